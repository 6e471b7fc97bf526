import 'fake-indexeddb/auto';
import type { AuthResult } from '@charla/shared-types';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Outbox, outboxName } from './api/outbox.ts';
import { AppProvider, useApp } from './app-context.tsx';
import { clearDrafts, draftKey } from './features/chat/drafts.ts';
import type { Platform } from './platform/platform.ts';

const result = {
  user: { id: 'u-drafts', displayName: 'Ana' },
  accessToken: 'a',
  accessTokenExpiresAt: '2030-01-01T00:00:00.000Z',
  sessionId: 's1',
} as unknown as AuthResult;

function fakePlatform(): Platform {
  return {
    kind: 'web',
    supports: {},
    session: {
      login: vi.fn(),
      completeRegistration: vi.fn(),
      restore: vi.fn(async () => result),
      getAccessToken: vi.fn(async () => 'a'),
      logout: vi.fn(async () => undefined),
    },
    serverUrl: () => '',
  } as unknown as Platform;
}

function Controls() {
  const { auth, logout, sessionLost } = useApp();
  return (
    <>
      <span data-testid="auth">{auth.status}</span>
      <button type="button" onClick={() => void logout()}>
        sign out
      </button>
      <button type="button" onClick={() => sessionLost('revoked')}>
        lose session
      </button>
    </>
  );
}

const renderApp = () =>
  render(
    <QueryClientProvider client={new QueryClient()}>
      <AppProvider platform={fakePlatform()}>
        <Controls />
      </AppProvider>
    </QueryClientProvider>,
  );

afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('what a session leaves behind in the client', () => {
  it('clearDrafts removes every draft and nothing else', () => {
    localStorage.setItem(draftKey('c1'), 'half a thought');
    localStorage.setItem(draftKey('c2'), 'another');
    localStorage.setItem('charla.settings', '{"theme":"dark"}');
    clearDrafts();
    expect(localStorage.getItem(draftKey('c1'))).toBeNull();
    expect(localStorage.getItem(draftKey('c2'))).toBeNull();
    expect(localStorage.getItem('charla.settings')).toBe('{"theme":"dark"}');
  });

  it('signing out clears drafts and the unsent-message outbox', async () => {
    const outbox = new Outbox(outboxName(result.user.id));
    await outbox.add({ clientMsgId: 'm1', conversationId: 'c1', text: 'unsent secret', mentions: [], attachments: [] });
    await outbox.close();
    localStorage.setItem(draftKey('c1'), 'my unsent draft');
    renderApp();
    await waitFor(() => expect(screen.getByTestId('auth').textContent).toBe('signedIn'));
    fireEvent.click(screen.getByRole('button', { name: 'sign out' }));
    await waitFor(() => expect(screen.getByTestId('auth').textContent).toBe('signedOut'));
    expect(localStorage.getItem(draftKey('c1'))).toBeNull();
    expect(await new Outbox(outboxName(result.user.id)).all()).toEqual([]);
  });

  it('a lost session (revoked, expired) clears drafts too', async () => {
    localStorage.setItem(draftKey('c9'), 'draft');
    renderApp();
    await waitFor(() => expect(screen.getByTestId('auth').textContent).toBe('signedIn'));
    fireEvent.click(screen.getByRole('button', { name: 'lose session' }));
    await waitFor(() => expect(screen.getByTestId('auth').textContent).toBe('signedOut'));
    expect(localStorage.getItem(draftKey('c9'))).toBeNull();
  });
});
