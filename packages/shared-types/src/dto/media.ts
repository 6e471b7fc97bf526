import { z } from 'zod';

export const mediaKindSchema = z.enum(['image', 'video', 'audio', 'file']);
export type MediaKind = z.infer<typeof mediaKindSchema>;

/** Multipart field that carries the file in POST /media and the avatar PUTs. */
export const MEDIA_UPLOAD_FIELD = 'file';
/** Query parameter carrying a short-lived signed token in media URLs (for <img>/<video> tags). */
export const MEDIA_TOKEN_PARAM = 't';
/** Pixel size of avatar squares. */
export const AVATAR_SIZE = 512;

/**
 * An uploaded file. `url`/`thumbnailUrl` are absolute (under PUBLIC_URL) and carry a short-lived
 * signed token (`?t=`, valid 1–2 h), so they work in <img>/<video> tags without headers; get fresh
 * ones from GET /media/:id/meta (`?via=<messageId>` for a forwarded copy) when they expire. With an
 * Authorization header the bare path works as well. Avatar URLs carry a token that does not expire.
 */
export const mediaSchema = z.object({
  id: z.string(),
  kind: mediaKindSchema,
  /** Decided from the file's content, never its name. */
  mime: z.string(),
  size: z.number().int().nonnegative(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Seconds, when known. */
  duration: z.number().nullable(),
  /** Sanitised original name, for downloads. */
  fileName: z.string(),
  url: z.string(),
  thumbnailUrl: z.string().nullable(),
  createdAt: z.string(),
});
export type Media = z.infer<typeof mediaSchema>;

export const sharedKindSchema = z.enum(['media', 'file', 'link']);
export type SharedKind = z.infer<typeof sharedKindSchema>;

/** GET /conversations/:id/shared?kind=media|file|link&cursor=&limit= */
export const sharedQuerySchema = z.object({
  kind: sharedKindSchema,
  cursor: z.string().max(2200).optional(),
  limit: z.coerce.number().int().min(1).max(60).default(30),
});

/** One thing a conversation has shared, newest first; `media` for media/file, `url` for links. */
export const sharedItemSchema = z.object({
  messageId: z.string(),
  seq: z.number().int(),
  senderId: z.string().nullable(),
  createdAt: z.string(),
  kind: sharedKindSchema,
  media: mediaSchema.nullable(),
  url: z.string().nullable(),
});
export type SharedItem = z.infer<typeof sharedItemSchema>;
export const sharedPageSchema = z.object({ items: z.array(sharedItemSchema), nextCursor: z.string().nullable() });

export const mediaIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
