import { describe, expect, it } from 'vitest';
import { contrastRatio, themePalettes } from '../../ui/contrast.ts';
import themeCss from '../../ui/theme.css?raw';

describe('accent presets', () => {
  it('exist for every accent the account may choose, in light and dark', () => {
    const names = themePalettes(themeCss).map((p) => p.name);
    for (const accent of ['blue', 'purple', 'orange', 'pink']) {
      expect(names).toContain(`light/${accent}`);
      expect(names).toContain(`dark/${accent}`);
    }
  });

  it('keep text contrast >= 4.5:1: button text on the accent, accent text on panels and the page', () => {
    for (const { name, vars } of themePalettes(themeCss)) {
      const v = (k: string) => vars[k] as string;
      expect(contrastRatio(v('--accent-fg'), v('--accent')), `${name} button`).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(v('--accent'), v('--panel')), `${name} accent on panel`).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(v('--accent'), v('--bg')), `${name} accent on page`).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(v('--fg'), v('--accent-soft')), `${name} text on selection`).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(v('--fg'), v('--mine')), `${name} text in my bubble`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
