import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { cutToLength, fileTooLargeMessage, stripInvisibleCharacters, trimWhere } from '@charla/shared-types';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError, badRequest } from '../../http/errors.ts';
import type { UploadAllowance } from './media.quota.ts';

export type ReceivedFile = {
  /** Temp file holding the bytes; the caller removes it. */
  path: string;
  size: number;
  /** Sanitised; 'file' when none was given. */
  fileName: string;
};

const FILE_NAME_MAX = 200;
/** How long the rest of a refused body is read and dropped before the connection is cut. */
export const UPLOAD_LINGER_MS = 30_000;

/**
 * Lingering close (as nginx and Apache do): closing a socket while the client is still sending makes
 * the kernel answer with a reset that discards the 413 not yet read on the other side, so browsers
 * saw "upload failed" and proxies (Vite's dev proxy) a 502. The rest of the body is read and dropped
 * instead, for at most UPLOAD_LINGER_MS, then the connection is cut.
 */
function lingerThenClose(req: Request) {
  const timer = setTimeout(() => req.socket?.destroy(), UPLOAD_LINGER_MS);
  timer.unref();
  req.once('close', () => clearTimeout(timer));
}

/** Longer names are cut before anything else looks at them: every later step is then bounded. */
const FILE_NAME_INPUT_MAX = 1024;
const isSpaceOrDot = (unit: string) => unit === '.' || /\s/.test(unit);

/**
 * A display/download name only (never a path): drops any directory part, control characters,
 * bidi overrides (which disguise extensions, e.g. "cod\u202Egpj.exe") and zero-width characters,
 * trims dots and spaces.
 * Linear in the input: a 16 KB name of spaces used to cost 250 ms of event loop in a trimming
 * regex (issue 22 #5).
 */
export function sanitizeFileName(raw: string | undefined): string {
  const name = raw ?? '';
  const base = keepExtension(
    name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1),
    FILE_NAME_INPUT_MAX,
  );
  // Control, invisible and text-direction characters go by the same rules names are refused by.
  const clean = trimWhere(stripInvisibleCharacters(base.normalize('NFC')).replaceAll('"', ''), isSpaceOrDot);
  return trimWhere(keepExtension(clean, FILE_NAME_MAX), isSpaceOrDot, 'end') || 'file';
}

/** Cuts a long name in its middle so the extension (what the download opens with) survives. */
function keepExtension(name: string, max: number): string {
  if (name.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return cutToLength(name, max - ext.length) + ext;
}

/**
 * Streams the single `file` part of a multipart request to a temp file, never holding it in
 * memory. Over `maxBytes`: 413 and the partial file is removed. A client that goes away mid-upload
 * leaves nothing behind either.
 */
export function receiveUpload(
  req: Request,
  options: {
    maxBytes: number;
    tmpDir: string;
    field: string;
    /** The account's pending-upload quota: fed every chunk; refused with its own 413. */
    allowance?: UploadAllowance;
  },
): Promise<ReceivedFile> {
  const type = req.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(type))
    return Promise.reject(new AppError(415, 'unsupported_media_type', 'Send the file as multipart/form-data'));
  // busboy reads the raw bytes: a compressed body would be parsed (and stored) as garbage.
  const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity')
    return Promise.reject(
      new AppError(415, 'unsupported_media_type', 'Send the upload uncompressed (no Content-Encoding)'),
    );
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      // Browsers send UTF-8 names; busboy's default would read them as latin1.
      defParamCharset: 'utf8',
      limits: {
        files: 1,
        fileSize: Math.min(options.maxBytes, options.allowance?.maxBytes ?? options.maxBytes),
        fields: 10,
        parts: 12,
        fieldSize: 1024,
      },
    });
  } catch {
    return Promise.reject(badRequest('Malformed multipart request'));
  }
  const temp = path.join(options.tmpDir, `upload-${randomUUID()}.part`);

  return new Promise<ReceivedFile>((resolve, reject) => {
    let settled = false;
    let writing: Promise<void> | null = null;
    let part: (NodeJS.ReadableStream & { destroy(): void }) | null = null;
    let out: fs.WriteStream | null = null;
    let size = 0;
    let fileName = 'file';
    let tooLarge = false;
    // The temp file is opened synchronously (see below), so it exists before any failure can
    // happen and removing it never races with a stream that is still opening.
    const cleanup = async () => {
      await fs.promises.rm(temp, { force: true });
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      // Stop reading the rest of a refused body, end the half-written file, then drop it.
      req.resume();
      part?.destroy();
      out?.destroy();
      void cleanup();
      reject(err);
    };

    bb.on('file', (name, stream, info) => {
      if (name !== options.field || writing) {
        stream.resume();
        return;
      }
      fileName = sanitizeFileName(info.filename);
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (options.allowance && !options.allowance.take(chunk.length)) {
          tooLarge = true;
          lingerThenClose(req);
          fail(options.allowance.error);
        }
      });
      stream.on('limit', () => {
        tooLarge = true;
        lingerThenClose(req);
        fail(
          options.allowance && options.allowance.maxBytes < options.maxBytes
            ? options.allowance.error
            : new AppError(413, 'payload_too_large', fileTooLargeMessage(options.maxBytes)),
        );
      });
      part = stream;
      out = fs.createWriteStream('', { fd: fs.openSync(temp, 'wx', 0o600) });
      writing = pipeline(stream, out);
      writing.catch(fail);
    });
    bb.on('error', () => fail(badRequest('Malformed multipart request')));
    bb.on('close', () => {
      if (settled) return;
      if (!writing)
        return fail(badRequest(`No "${options.field}" file in the request`, { [options.field]: ['Required'] }));
      writing.then(
        () => {
          if (tooLarge || settled) return;
          if (size === 0) return fail(badRequest('The file is empty', { [options.field]: ['Empty file'] }));
          settled = true;
          resolve({ path: temp, size, fileName });
        },
        () => {},
      );
    });
    // The client went away before the body was complete.
    req.on('aborted', () => fail(badRequest('Upload interrupted')));
    req.on('close', () => {
      if (!req.complete) fail(badRequest('Upload interrupted'));
    });
    req.pipe(bb);
  });
}
