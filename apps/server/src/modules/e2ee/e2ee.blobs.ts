import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Request, Response } from 'express';
import { AppError, forbidden, notFound, payloadTooLarge, rateLimited } from '../../http/errors.ts';
import type { E2eeBlobRecord, MediaStore } from '../../storage/ports.ts';
import type { RateLimiter } from '../realtime/realtime.rate-limit.ts';
import { requireEncryptedMember } from './e2ee.access.ts';
import type { E2eeDeps } from './e2ee.module.ts';

/** Counts bytes through the stream and fails it past `max` (the store then keeps nothing). */
function limit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(payloadTooLarge(`An attachment may be at most ${max} bytes`));
      else done(null, chunk);
    },
  });
}

/**
 * Encrypted attachments: opaque ciphertext blobs in the media store (same size limit as media),
 * readable by the conversation's members only. The server never sees a key, a name or a type: those
 * travel inside the MLS message that references the blob.
 */
export function createE2eeBlobs(deps: E2eeDeps & { store: MediaStore; maxBytes: number; uploads: RateLimiter }) {
  const { storage, store, clock } = deps;

  async function release(storageKey: string): Promise<void> {
    // Content-addressed store: only drop bytes nothing else points at.
    const [mine, media] = await Promise.all([
      storage.e2ee.countBlobsByKey(storageKey),
      storage.media.countByKey(storageKey),
    ]);
    if (mine === 0 && media === 0) await store.delete(storageKey);
  }

  return {
    async upload(
      userId: string,
      conversationId: string,
      req: Request,
    ): Promise<{ id: string; size: number; sha256: string }> {
      await requireEncryptedMember(storage, conversationId, userId);
      const type = req.headers['content-type']?.split(';')[0]?.trim();
      if (type !== 'application/octet-stream')
        throw new AppError(415, 'unsupported_media_type', 'Upload the encrypted bytes as application/octet-stream');
      const declared = Number(req.headers['content-length'] ?? Number.NaN);
      if (Number.isFinite(declared) && declared > deps.maxBytes)
        throw payloadTooLarge(`An attachment may be at most ${deps.maxBytes} bytes`);
      if (!deps.rateLimitsDisabled && !deps.uploads.take(userId)) throw rateLimited(10, 'Too many uploads, slow down');
      const guard = limit(deps.maxBytes);
      req.on('error', (err) => guard.destroy(err));
      const stored = await store.put(req.pipe(guard), { mime: 'application/octet-stream' });
      if (stored.size === 0) {
        await release(stored.key);
        throw new AppError(400, 'bad_request', 'The upload was empty');
      }
      const blob: E2eeBlobRecord = {
        id: randomUUID(),
        conversationId,
        uploaderId: userId,
        storageKey: stored.key,
        size: stored.size,
        sha256: stored.sha256,
        createdAt: clock.now(),
      };
      await storage.e2ee.addBlob(blob);
      return { id: blob.id, size: blob.size, sha256: blob.sha256 };
    },

    async download(userId: string, blobId: string, res: Response): Promise<void> {
      const blob = await storage.e2ee.findBlob(blobId);
      if (!blob) throw notFound('Attachment');
      try {
        await requireEncryptedMember(storage, blob.conversationId, userId);
      } catch {
        throw notFound('Attachment');
      }
      const body = await store.get(blob.storageKey);
      if (!body) throw notFound('Attachment');
      res.status(200).set({
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(blob.size),
        'Content-Disposition': 'attachment',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, max-age=86400, immutable',
      });
      body.pipe(res);
    },

    /** The uploader removes their blob (their message was deleted). */
    async remove(userId: string, blobId: string): Promise<void> {
      const blob = await storage.e2ee.findBlob(blobId);
      if (!blob) throw notFound('Attachment');
      if (blob.uploaderId !== userId) {
        try {
          await requireEncryptedMember(storage, blob.conversationId, userId);
        } catch {
          throw notFound('Attachment');
        }
        throw forbidden('Only the sender can delete an attachment');
      }
      const gone = await storage.e2ee.deleteBlob(blobId);
      if (gone) await release(gone.storageKey);
    },
  };
}
