import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppProvider } from '../../app-context.tsx';
import type { Platform } from '../../platform/platform.ts';
import { I18nProvider } from '../../ui/i18n.tsx';
import { ToastProvider } from '../../ui/toasts.tsx';
import { AdminPointsLedger } from './admin-points-ledger.tsx';

const platform = {
  kind: 'web',
  supports: {
    nativeNotifications: false,
    trayBadge: false,
    osKeychain: false,
    deepLinks: false,
    serverUrlSetting: false,
    loopbackSignIn: false,
  },
  session: {
    login: vi.fn(),
    completeRegistration: vi.fn(),
    restore: vi.fn(async () => null),
    getAccessToken: vi.fn(async () => 'token'),
    logout: vi.fn(),
  },
  serverUrl: () => 'http://charla.test',
} as unknown as Platform;

const entry = (over: Record<string, unknown>) => ({
  id: 'e1',
  userId: 'u1',
  rule: 'reaction_received',
  points: 1,
  conversationId: 'c1',
  messageId: 'm1',
  reverses: null,
  reversedBy: null,
  reason: null,
  createdAt: '2026-03-02T10:00:00.000Z',
  ...over,
});

const ok = (data: unknown, status = 200) =>
  new Response(JSON.stringify({ error: false, status, message: 'OK', data }), {
    status,
    headers: { 'content-type': 'application/json' },
  });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('AdminPointsLedger', () => {
  it('takes an award back with the reason typed, then shows the compensating entry', async () => {
    let reversed = false;
    const calls: { url: string; method: string; body: unknown }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        const method = init?.method ?? 'GET';
        calls.push({ url, method, body: init?.body ? JSON.parse(String(init.body)) : null });
        if (method === 'POST') {
          reversed = true;
          return ok(entry({ id: 'e2', points: -1, reverses: 'e1', reason: 'spam ring' }), 201);
        }
        return ok({
          items: reversed
            ? [entry({ id: 'e2', points: -1, reverses: 'e1', reason: 'spam ring' }), entry({ reversedBy: 'e2' })]
            : [entry({})],
          nextCursor: null,
        });
      }),
    );
    render(
      <QueryClientProvider client={new QueryClient()}>
        <I18nProvider locale="en">
          <ToastProvider>
            <AppProvider platform={platform}>
              <AdminPointsLedger userId="u1" />
            </AppProvider>
          </ToastProvider>
        </I18nProvider>
      </QueryClientProvider>,
    );
    const takeBack = await screen.findByRole('button', { name: 'Take back' });
    expect(takeBack).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByLabelText('Reason for taking points back'), { target: { value: 'spam ring' } });
    fireEvent.click(takeBack);
    await screen.findByText(/taken back: spam ring/);
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url).toContain('/api/v1/admin/points/entries/e1/reversal');
    expect(post?.body).toEqual({ reason: 'spam ring' });
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Take back' })).toBeNull());
  });
});
