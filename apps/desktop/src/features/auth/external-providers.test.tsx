import type { AuthResult } from '@charla/shared-types';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppProvider, useApp } from '../../app-context.tsx';
import { ApiError } from '../../platform/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import { I18nProvider } from '../../ui/i18n.tsx';
import { ExternalProviders } from './auth-screens.tsx';

const result = {
  user: { id: 'u1', displayName: 'Ana' },
  accessToken: 'a',
  accessTokenExpiresAt: '2030-01-01T00:00:00.000Z',
  sessionId: 's1',
} as unknown as AuthResult;

function fakePlatform(loopback: boolean, signIn = vi.fn(async () => result)): Platform {
  return {
    kind: loopback ? 'electron' : 'web',
    supports: {
      nativeNotifications: loopback,
      trayBadge: false,
      osKeychain: loopback,
      deepLinks: false,
      serverUrlSetting: false,
      loopbackSignIn: loopback,
    },
    session: {
      login: vi.fn(),
      completeRegistration: vi.fn(),
      restore: vi.fn(async () => null),
      getAccessToken: vi.fn(async () => null),
      logout: vi.fn(),
      ...(loopback ? { signInWithProvider: signIn } : {}),
    },
    serverUrl: () => 'http://localhost:4000',
  } as unknown as Platform;
}

function Status() {
  const { auth } = useApp();
  return <span data-testid="auth">{auth.status}</span>;
}

function renderWith(platform: Platform) {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <I18nProvider locale="en">
        <AppProvider platform={platform}>
          <ExternalProviders providers={{ password: true, google: true, github: false, oidc: { name: 'Keycloak' } }} />
          <Status />
        </AppProvider>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

afterEach(cleanup);

describe('provider sign-in buttons', () => {
  it('web: links into the server redirect flow, no host call', () => {
    renderWith(fakePlatform(false));
    expect(screen.getByRole('link', { name: 'Sign in with Google' }).getAttribute('href')).toBe(
      'http://localhost:4000/api/v1/auth/oidc/google/start?client=web',
    );
    expect(screen.getByRole('link', { name: 'Sign in with Keycloak' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Sign in with GitHub' })).toBeNull();
  });

  it('web: GitHub, when the server offers it, goes through the same redirect flow', () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <I18nProvider locale="es">
          <AppProvider platform={fakePlatform(false)}>
            <ExternalProviders providers={{ password: true, google: false, github: true, oidc: null }} />
          </AppProvider>
        </I18nProvider>
      </QueryClientProvider>,
    );
    expect(screen.getByRole('link', { name: 'Entrar con GitHub' }).getAttribute('href')).toBe(
      'http://localhost:4000/api/v1/auth/oidc/github/start?client=web',
    );
  });

  it('desktop: the button asks the host (system browser + loopback) and signs in with the result', async () => {
    const signIn = vi.fn(async () => result);
    renderWith(fakePlatform(true, signIn));
    await waitFor(() => expect(screen.getByTestId('auth').textContent).toBe('signedOut'));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with Keycloak' }));
    expect(signIn).toHaveBeenCalledWith('oidc');
    await waitFor(() => expect(screen.getByTestId('auth').textContent).toBe('signedIn'));
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('desktop: a failed or cancelled sign-in shows an error and enables the buttons again', async () => {
    const signIn = vi.fn(async () => {
      throw new ApiError('unauthenticated', 401, 'The sign-in timed out');
    });
    renderWith(fakePlatform(true, signIn));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with Google' }));
    expect((await screen.findByRole('alert')).textContent).toContain('did not complete');
    expect(screen.getByRole('button', { name: 'Sign in with Google' })).toHaveProperty('disabled', false);
  });
});
