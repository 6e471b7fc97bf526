import {
  cutToLength,
  LINK_PREVIEW_DESCRIPTION_MAX,
  LINK_PREVIEW_SITE_MAX,
  LINK_PREVIEW_TITLE_MAX,
  stripInvisibleCharacters,
} from '@charla/shared-types';
import { load } from 'cheerio';
import ogs from 'open-graph-scraper';
import { z } from 'zod';
import type { FetchedResource } from './safe-fetch.ts';

/*
 * What a page says about itself. open-graph-scraper reads Open Graph and Twitter Card tags from
 * the HTML we hand it; it never fetches anything here (its own fetch follows redirects without
 * re-checking each hop and has no byte cap, so the page comes from our safe fetcher instead).
 * oEmbed is discovered from the page's <link rel="alternate" type="application/json+oembed">;
 * its JSON comes through the same safe fetcher. Precedence: Open Graph, then Twitter, then oEmbed,
 * then the plain <title> and <meta name="description">.
 */

export type PageMetadata = {
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** Absolute http(s) URL of the image the page names, not fetched yet. */
  imageUrl: string | null;
  /** Absolute URL of the oEmbed endpoint the page names, not fetched yet. */
  oembedUrl: string | null;
  /** <title> and <meta name="description">: used only when nothing better says it (withFallbacks). */
  fallback: { title: string | null; description: string | null };
};

/** One line of plain text: no control or invisible characters, whitespace collapsed, bounded. */
export function cleanText(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const text = stripInvisibleCharacters(value)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? cutToLength(text, max) : null;
}

/** An absolute http(s) URL relative to the page, or null. */
export function absoluteHttpUrl(value: unknown, base: URL): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The page's text in its declared charset (UTF-8 when none or unknown). */
export function decodeHtml(page: FetchedResource): string {
  try {
    return new TextDecoder(page.charset ?? 'utf-8').decode(page.body);
  } catch {
    return new TextDecoder('utf-8').decode(page.body);
  }
}

const firstUrl = (images: { url?: string }[] | undefined): string | undefined => images?.find((i) => i.url)?.url;

export async function extractMetadata(page: FetchedResource): Promise<PageMetadata> {
  const html = decodeHtml(page);
  const { result } = await ogs({ html, onlyGetOpenGraphInfo: true });
  const $ = load(html);
  const oembedHref = $('link[type="application/json+oembed"]').first().attr('href');
  const plainTitle = $('title').first().text();
  const plainDescription = $('meta[name="description"]').first().attr('content');
  return {
    title: cleanText(result.ogTitle ?? result.twitterTitle, LINK_PREVIEW_TITLE_MAX),
    description: cleanText(result.ogDescription ?? result.twitterDescription, LINK_PREVIEW_DESCRIPTION_MAX),
    siteName: cleanText(result.ogSiteName ?? result.twitterSite, LINK_PREVIEW_SITE_MAX),
    imageUrl: absoluteHttpUrl(firstUrl(result.ogImage) ?? firstUrl(result.twitterImage), page.url),
    oembedUrl: absoluteHttpUrl(oembedHref, page.url),
    fallback: {
      title: cleanText(plainTitle, LINK_PREVIEW_TITLE_MAX),
      description: cleanText(plainDescription, LINK_PREVIEW_DESCRIPTION_MAX),
    },
  };
}

/** The page's own tags (and oEmbed) first; the plain title and description only for what is still empty. */
export function withFallbacks(meta: PageMetadata): PageMetadata {
  return {
    ...meta,
    title: meta.title ?? meta.fallback.title,
    description: meta.description ?? meta.fallback.description,
  };
}

const oembedSchema = z
  .object({
    type: z.string().max(20).optional(),
    title: z.string().max(2000).optional(),
    author_name: z.string().max(500).optional(),
    provider_name: z.string().max(500).optional(),
    thumbnail_url: z.string().max(2000).optional(),
    url: z.string().max(2000).optional(),
  })
  .loose();

/** Fills what the page's own tags left empty from its oEmbed answer (ignored when malformed). */
export function mergeOembed(meta: PageMetadata, json: Buffer, endpoint: URL): PageMetadata {
  let parsed: z.infer<typeof oembedSchema>;
  try {
    const result = oembedSchema.safeParse(JSON.parse(json.toString('utf8')));
    if (!result.success) return meta;
    parsed = result.data;
  } catch {
    return meta;
  }
  const photo = parsed.type === 'photo' ? parsed.url : undefined;
  return {
    ...meta,
    title: meta.title ?? cleanText(parsed.title, LINK_PREVIEW_TITLE_MAX),
    description: meta.description ?? cleanText(parsed.author_name, LINK_PREVIEW_DESCRIPTION_MAX),
    siteName: meta.siteName ?? cleanText(parsed.provider_name, LINK_PREVIEW_SITE_MAX),
    imageUrl: meta.imageUrl ?? absoluteHttpUrl(parsed.thumbnail_url ?? photo, endpoint),
  };
}
