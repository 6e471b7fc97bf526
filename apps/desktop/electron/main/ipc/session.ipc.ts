/** session:* channels: the renderer signs in and gets access tokens; the refresh token stays in main. */
import type { PublicAuthResult } from '../../shared/ipc-contract.ts';
import type { SessionManager } from '../session.ts';
import type { IpcHandlers } from './register.ts';

type SessionChannels =
  | 'session:login'
  | 'session:complete-registration'
  | 'session:restore'
  | 'session:oidc'
  | 'session:get-token'
  | 'session:logout';

export function sessionHandlers(
  session: SessionManager,
  providers: { signIn(provider: string): Promise<PublicAuthResult> },
): Pick<IpcHandlers, SessionChannels> {
  return {
    'session:oidc': (args) => providers.signIn(args.provider),
    'session:login': (args) => session.login(args),
    'session:complete-registration': (args) => session.completeRegistration(args),
    'session:restore': () => session.restore(),
    'session:get-token': (args) => session.getAccessToken(args.forceRefresh ? { forceRefresh: true } : {}),
    'session:logout': async () => {
      await session.logout();
      return null;
    },
  };
}
