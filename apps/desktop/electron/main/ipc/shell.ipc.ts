/** shell:open-external: the renderer's only way to open a link, behind the URL validator. */
import { type OpenExternal, openExternalSafely } from '../security.ts';
import type { IpcHandlers } from './register.ts';

export function shellHandlers(openExternal: OpenExternal): Pick<IpcHandlers, 'shell:open-external'> {
  return { 'shell:open-external': ({ url }) => openExternalSafely(url, openExternal) };
}
