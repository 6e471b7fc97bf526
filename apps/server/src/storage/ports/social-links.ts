/*
 * Social profiles on a person's Charla profile: one row per (user, network). `verified` is set only
 * by the server (a linked account proved it); typed-in ones are not.
 */

export type SocialLinkNetwork = 'github' | 'x' | 'instagram' | 'linkedin' | 'website';
export type SocialLinkVisibility = 'public' | 'shared' | 'hidden';

export type SocialLinkRecord = {
  userId: string;
  network: SocialLinkNetwork;
  handle: string;
  visibility: SocialLinkVisibility;
  verified: boolean;
  createdAt: Date;
  updatedAt: Date;
};

export type SocialLinksRepo = {
  /** Adds or replaces the user's link for that network; `created` says which. */
  save(
    link: Pick<SocialLinkRecord, 'userId' | 'network' | 'handle' | 'visibility' | 'verified'>,
    now: Date,
  ): Promise<{ link: SocialLinkRecord; created: boolean }>;
  remove(userId: string, network: SocialLinkNetwork): Promise<boolean>;
  /** In network order: github, x, instagram, linkedin, website. */
  list(userId: string): Promise<SocialLinkRecord[]>;
  removeAll(userId: string): Promise<number>;
};

export const SOCIAL_LINK_ORDER: readonly SocialLinkNetwork[] = ['github', 'x', 'instagram', 'linkedin', 'website'];
