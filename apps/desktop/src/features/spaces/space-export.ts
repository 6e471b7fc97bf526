import { API_PREFIX, paths } from '@charla/shared-types';
import type { ApiClient } from '../../api/client.ts';
import { ApiError, errorFromBody } from '../../platform/errors.ts';

/** The file name the server gave (Content-Disposition), else one made from the slug and today's date. */
export function exportFileName(disposition: string | null, slug: string, now = new Date()): string {
  const star = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  const plain = disposition?.match(/filename="?([^";]+)"?/i)?.[1];
  let name = '';
  try {
    name = star ? decodeURIComponent(star) : (plain ?? '');
  } catch {
    name = plain ?? '';
  }
  // Only a bare name: never a path the browser might honour.
  name = name.replace(/[/\\]/g, '_').trim();
  return name || `${slug}-export-${now.toISOString().slice(0, 10)}.json`;
}

/**
 * Downloads a space's export. The endpoint needs the bearer token, which a plain link cannot send,
 * so it is fetched here and handed to the browser as a file.
 */
export async function downloadSpaceExport(
  api: ApiClient,
  space: { id: string; slug: string },
  save: (blob: Blob, name: string) => void = saveBlob,
): Promise<void> {
  const token = await api.token();
  if (!token) throw new ApiError('unauthenticated', 401, 'Signed out');
  let res: Response;
  try {
    res = await fetch(`${api.base()}${API_PREFIX}${paths.spaces.export(space.id)}`, {
      headers: { authorization: `Bearer ${token}` },
      credentials: 'include',
    });
  } catch {
    throw new ApiError('network', 0, 'The server is not reachable');
  }
  if (!res.ok) throw errorFromBody(res.status, await res.json().catch(() => undefined));
  save(await res.blob(), exportFileName(res.headers.get('content-disposition'), space.slug));
}

function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
