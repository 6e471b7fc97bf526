import { paths, type ServerConfig, serverConfigSchema } from '@charla/shared-types';
import { ApiError } from '../platform/errors.ts';
import type { ApiClient } from './client.ts';

const cache = new Map<string, Promise<ServerConfig | null>>();

/**
 * The server's public limits (GET /config), fetched once per server and shared. Null when the server
 * is unreachable or too old to say; then the next call asks again.
 */
export function serverConfig(api: Pick<ApiClient, 'get' | 'base'>): Promise<ServerConfig | null> {
  const base = api.base();
  let pending = cache.get(base);
  if (!pending) {
    pending = api.get(paths.config, serverConfigSchema).catch(() => {
      cache.delete(base);
      return null;
    });
    cache.set(base, pending);
  }
  return pending;
}

/** A file over the server's upload limit; `maxBytes` lets the message say the limit in human units. */
export class FileTooLargeError extends ApiError {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super('payload_too_large', 413, `Files can be up to ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
  }
}

/** Rejects before any byte is sent when the file is over the server's limit. */
export async function assertUploadSize(api: Pick<ApiClient, 'get' | 'base'>, file: Blob): Promise<number | undefined> {
  const maxBytes = (await serverConfig(api))?.media.maxBytes;
  if (maxBytes !== undefined && file.size > maxBytes) throw new FileTooLargeError(maxBytes);
  return maxBytes;
}
