import type { Shareable } from './share-targets.ts';

export type ShareOutcome = 'shared' | 'cancelled' | 'unavailable';

/**
 * The system share sheet when the browser has one (Web Share API); the user may cancel it. With
 * `files` (an image), 'unavailable' unless the sheet can take them: the caller then offers its own
 * way (share links for the text, a download for the image).
 */
export async function systemShare(s: Shareable, files: File[] = []): Promise<ShareOutcome> {
  const data: ShareData = { text: s.text, ...(s.url ? { url: s.url } : {}), ...(s.title ? { title: s.title } : {}) };
  if (files.length) data.files = files;
  if (typeof navigator.share !== 'function' || (navigator.canShare && !navigator.canShare(data))) return 'unavailable';
  try {
    await navigator.share(data);
    return 'shared';
  } catch (e) {
    return (e as { name?: string }).name === 'AbortError' ? 'cancelled' : 'unavailable';
  }
}
