import { API_PREFIX, MEDIA_UPLOAD_FIELD, mediaSchema, paths } from '@charla/shared-types';
import type { z } from 'zod';
import { ApiError, errorFromBody } from '../platform/errors.ts';
import type { ApiClient } from './client.ts';
import { assertUploadSize, FileTooLargeError } from './server-config.ts';

const uploadedSchema = mediaSchema;
export type Uploaded = z.infer<typeof uploadedSchema>;

export type UploadHandle = { promise: Promise<Uploaded>; cancel: () => void };

/** POST /api/v1/media with XMLHttpRequest, because fetch cannot report upload progress. */
export function uploadMedia(api: ApiClient, file: File, onProgress: (fraction: number) => void): UploadHandle {
  return sendFile(api, 'POST', paths.media.upload, file, onProgress, uploadedSchema);
}

/** Any multipart file upload (media, avatars) with progress and cancel; over the server's limit it sends nothing. */
export function sendFile<S extends z.ZodType>(
  api: ApiClient,
  method: 'POST' | 'PUT',
  path: string,
  file: File,
  onProgress: (fraction: number) => void,
  schema: S,
): { promise: Promise<z.infer<S>>; cancel: () => void } {
  const xhr = new XMLHttpRequest();
  const promise = (async () => {
    const maxBytes = await assertUploadSize(api, file);
    const token = await api.token();
    if (!token) throw new ApiError('unauthenticated', 401, 'Signed out');
    return new Promise<z.infer<S>>((resolve, reject) => {
      xhr.open(method, `${api.base()}${API_PREFIX}${path}`);
      xhr.setRequestHeader('authorization', `Bearer ${token}`);
      for (const [name, value] of Object.entries(api.spaceHeaders(path))) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onerror = () => reject(new ApiError('network', 0, 'Upload failed'));
      xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
      xhr.onload = () => {
        let body: unknown;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = undefined;
        }
        if (xhr.status === 413 && maxBytes !== undefined) {
          reject(new FileTooLargeError(maxBytes));
          return;
        }
        if (xhr.status < 200 || xhr.status >= 300) {
          reject(errorFromBody(xhr.status, body));
          return;
        }
        const data = (body as { data?: unknown } | undefined)?.data;
        const parsed = schema.safeParse(data);
        if (parsed.success) resolve(parsed.data);
        else reject(new ApiError('bad_response', xhr.status, 'Unexpected upload response'));
      };
      const form = new FormData();
      form.append(MEDIA_UPLOAD_FIELD, file, file.name);
      xhr.send(form);
    });
  })();
  return { promise, cancel: () => xhr.abort() };
}
