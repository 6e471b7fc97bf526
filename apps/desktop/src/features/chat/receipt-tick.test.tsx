import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { contrastRatio, themePalettes } from '../../ui/contrast.ts';
import { I18nProvider } from '../../ui/i18n.tsx';
import themeCss from '../../ui/theme.css?raw';
import { ReceiptTick } from './receipt-tick.tsx';

const palettes = () => themePalettes(themeCss);

describe('receipt ticks', () => {
  it('have different shapes (not colour alone) and a label each', () => {
    const shapes = (['sent', 'delivered', 'read'] as const).map((tick) => {
      const { container, unmount } = render(
        <I18nProvider locale="en">
          <ReceiptTick tick={tick} />
        </I18nProvider>,
      );
      expect(
        screen.getByRole('img', { name: { sent: 'Sent', delivered: 'Delivered', read: 'Read' }[tick] }),
      ).toBeTruthy();
      const svg = container.querySelector('svg')?.innerHTML ?? '';
      unmount();
      return svg.replace(/stroke-width="[^"]*"/g, '');
    });
    expect(new Set(shapes).size).toBe(3);
  });

  it('keep icon contrast >= 3:1 on my bubble in light, dark and every accent', () => {
    const found = palettes();
    expect(found.length).toBeGreaterThanOrEqual(2);
    for (const { name, vars } of found) {
      const bubble = vars['--mine'] as string;
      const ratios = {
        sentOnBubble: contrastRatio(vars['--tick'] as string, bubble),
        readDiscOnBubble: contrastRatio(vars['--tick-read'] as string, bubble),
        readChecksOnDisc: contrastRatio(vars['--tick-read-fg'] as string, vars['--tick-read'] as string),
      };
      for (const [what, ratio] of Object.entries(ratios)) expect(ratio, `${name} ${what}`).toBeGreaterThanOrEqual(3);
    }
  });
});
