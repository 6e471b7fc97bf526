import { z } from 'zod';

/*
 * A preview of the first link in a message, made by the server (never for end-to-end encrypted
 * conversations). Its image was fetched by the server, re-encoded and stored with Charla's media:
 * readers load it from Charla (`paths.linkPreviews.image`), never from the linked site.
 */
export const LINK_PREVIEW_TITLE_MAX = 300;
export const LINK_PREVIEW_DESCRIPTION_MAX = 500;
export const LINK_PREVIEW_SITE_MAX = 100;

export const linkPreviewImageSchema = z.object({
  /** Opaque, unguessable id: the path is the capability (image tags cannot send headers). */
  id: z.string().min(1).max(64),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type LinkPreviewImage = z.infer<typeof linkPreviewImageSchema>;

export const linkPreviewSchema = z.object({
  /** The link as written in the message (the preview may come from where it redirected). */
  url: z.string(),
  title: z.string().max(LINK_PREVIEW_TITLE_MAX).nullable(),
  description: z.string().max(LINK_PREVIEW_DESCRIPTION_MAX).nullable(),
  siteName: z.string().max(LINK_PREVIEW_SITE_MAX).nullable(),
  image: linkPreviewImageSchema.nullable(),
});
export type LinkPreview = z.infer<typeof linkPreviewSchema>;
