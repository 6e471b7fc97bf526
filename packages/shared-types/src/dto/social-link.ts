import { z } from 'zod';

/*
 * Social profiles a person shows on their Charla profile. Typed in by hand they are unverified;
 * one proven through sign-in (a linked account) is marked verified by the server. Each has its own
 * visibility: everyone signed in, only people I share a conversation with, or nobody.
 */
export const SOCIAL_NETWORKS = ['github', 'x', 'instagram', 'linkedin', 'website'] as const;
export const socialNetworkSchema = z.enum(SOCIAL_NETWORKS);
export type SocialNetwork = z.infer<typeof socialNetworkSchema>;
export const socialVisibilitySchema = z.enum(['public', 'shared', 'hidden']);
export type SocialVisibility = z.infer<typeof socialVisibilitySchema>;

/** Each network's handle rules (a leading "@" is dropped); a website is an http(s) URL. */
const HANDLES: Record<Exclude<SocialNetwork, 'website'>, RegExp> = {
  github: /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
  x: /^[A-Za-z0-9_]{1,15}$/,
  instagram: /^[A-Za-z0-9_.]{1,30}$/,
  linkedin: /^[A-Za-z0-9-]{3,100}$/,
};

const WEBSITE = /^https?:\/\/[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d{1,5})?(?:[/?#][^\s]*)?$/i;

/** The handle as stored, or null when it is not a valid one for that network. */
export function normaliseSocialHandle(network: SocialNetwork, raw: string): string | null {
  const value = raw.trim();
  // An http(s) URL with a dotted host and no user info (shared-types has no URL class to lean on).
  if (network === 'website') return value.length <= 200 && WEBSITE.test(value) ? value : null;
  const handle = value.replace(/^@/, '');
  return HANDLES[network].test(handle) ? handle : null;
}

/** Where a handle points. */
export function socialProfileUrl(network: SocialNetwork, handle: string): string {
  const h = encodeURIComponent(handle);
  switch (network) {
    case 'github':
      return `https://github.com/${h}`;
    case 'x':
      return `https://x.com/${h}`;
    case 'instagram':
      return `https://www.instagram.com/${h}/`;
    case 'linkedin':
      return `https://www.linkedin.com/in/${h}`;
    case 'website':
      return handle;
  }
}

/** PUT /users/me/social-links/:network */
export const saveSocialLinkSchema = z
  .object({ handle: z.string().max(200), visibility: socialVisibilitySchema.default('public') })
  .strict();

export const socialLinkSchema = z.object({
  network: socialNetworkSchema,
  handle: z.string(),
  url: z.string(),
  visibility: socialVisibilitySchema,
  verified: z.boolean(),
});
export type SocialLink = z.infer<typeof socialLinkSchema>;
export const socialLinkListSchema = z.object({ items: z.array(socialLinkSchema) });
