/**
 * shell:open-external: the renderer's only way to open a link, behind the URL validator.
 * shell:share: the system share menu (macOS) with text and a validated link; nothing else is shared.
 */
import type { ShareArgs } from '../../shared/ipc-contract.ts';
import { type OpenExternal, openExternalSafely } from '../security.ts';
import { validateExternalUrl } from '../url-guards.ts';
import type { IpcHandlers } from './register.ts';

/** Shows the OS share menu; null where the OS has none (Windows, Linux). */
export type ShareMenu = ((item: { texts: string[]; urls: string[] }) => Promise<void>) | null;

export function shellHandlers(
  openExternal: OpenExternal,
  share: ShareMenu = null,
): Pick<IpcHandlers, 'shell:open-external' | 'shell:share'> {
  return {
    'shell:open-external': ({ url }) => openExternalSafely(url, openExternal),
    'shell:share': async (item: ShareArgs) => {
      if (!share) return 'unavailable';
      const url = item.url === undefined ? null : validateExternalUrl(item.url);
      if (item.url !== undefined && !url) return 'unavailable';
      await share({ texts: item.text ? [item.text] : [], urls: url ? [url] : [] });
      return 'shared';
    },
  };
}
