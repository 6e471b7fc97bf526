/** app:get-info, deep-link:take-pending and update:install. */
import type { AppInfo } from '../../shared/ipc-contract.ts';
import type { DeepLinkRouter } from '../deep-links.ts';
import type { UpdaterController } from '../updater.ts';
import type { IpcHandlers } from './register.ts';

export function appHandlers(deps: {
  info: () => AppInfo;
  deepLinks: DeepLinkRouter;
  updater: () => UpdaterController;
}): Pick<IpcHandlers, 'app:get-info' | 'deep-link:take-pending' | 'update:install'> {
  return {
    'app:get-info': () => deps.info(),
    'deep-link:take-pending': () => {
      // The renderer asking for pending links means it is listening for new ones too.
      deps.deepLinks.setReady(true);
      return deps.deepLinks.takePending();
    },
    'update:install': () => {
      deps.updater().install();
      return null;
    },
  };
}
