/** settings:* channels. Validation of values (server URL) happens in the settings service. */
import type { SettingsService } from '../settings.ts';
import type { IpcHandlers } from './register.ts';

export function settingsHandlers(settings: SettingsService): Pick<IpcHandlers, 'settings:get' | 'settings:update'> {
  return {
    'settings:get': () => settings.get(),
    'settings:update': (patch) => settings.update(patch),
  };
}
