import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { AppProvider } from '../../app-context.tsx';
import type { Platform } from '../../platform/platform.ts';
import { createWebPlatform } from '../../platform/web.ts';
import { Highlighted, MessageText } from './message-text.tsx';

function withPlatform(platform: Platform, children: ReactNode) {
  return (
    <QueryClientProvider client={new QueryClient()}>
      <AppProvider platform={platform}>{children}</AppProvider>
    </QueryClientProvider>
  );
}

function platformStub() {
  const p = createWebPlatform();
  const openExternal = vi.fn(async () => undefined);
  return { ...p, openExternal, session: { ...p.session, restore: async () => null } };
}

describe('message text', () => {
  it('renders HTML and script payloads literally', () => {
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const { container } = render(withPlatform(platformStub(), <MessageText text={payload} />));
    expect(container.textContent).toBe(payload);
    expect(container.querySelector('img, script')).toBeNull();
  });

  it('links only safe URLs, with rel=noopener noreferrer, and opens them through the platform', () => {
    const platform = platformStub();
    render(withPlatform(platform, <MessageText text="go https://example.com/x or javascript:alert(1)" />));
    const links = screen.getAllByRole('link');
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute('rel', 'noopener noreferrer');
    fireEvent.click(links[0] as HTMLElement);
    expect(platform.openExternal).toHaveBeenCalledWith('https://example.com/x');
  });

  it('renders formatting as elements, code literally, and a <script> in a code block as text', () => {
    const text = '*bold* _it_ ~gone~ `a*b*` and\n```\n<script>alert(1)</script>\n```';
    const { container } = render(withPlatform(platformStub(), <MessageText text={text} />));
    expect(container.querySelector('strong')?.textContent).toBe('bold');
    expect(container.querySelector('em')?.textContent).toBe('it');
    expect(container.querySelector('s')?.textContent).toBe('gone');
    expect(container.querySelector(':not(pre) > code')?.textContent).toBe('a*b*');
    expect(container.querySelector('pre code')?.textContent).toBe('<script>alert(1)</script>');
    expect(container.querySelector('script')).toBeNull();
  });

  it('highlights search ranges as <mark> without interpreting HTML', () => {
    const { container } = render(
      <Highlighted
        text="say <b>hola</b> amigo"
        ranges={[
          { start: 7, end: 11 },
          { start: 50, end: 60 },
        ]}
      />,
    );
    expect(container.querySelector('mark')?.textContent).toBe('hola');
    expect(container.querySelector('b')).toBeNull();
  });
});
