import { z } from 'zod';
import { visibleName } from './name.ts';

/**
 * Spaces: isolated communities, each with its own database. Accounts stay global; everything a
 * space holds (conversations, messages, media records, reports, invites, points…) lives in its
 * database. `home` is the space every account is in: the data from before spaces existed.
 */
export const HOME_SPACE_ID = 'home';
/** Request header naming the space a REST call acts in (absent: the home space). */
export const SPACE_HEADER = 'x-charla-space';
/** Query parameter with the same meaning, for URLs the browser loads itself (media, downloads). */
export const SPACE_QUERY = 'space';

export const spaceSlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'At least 3 characters')
  .max(40, 'At most 40 characters')
  .regex(/^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$/, 'Letters, digits and dashes; no dash at either end');
export const spaceNameSchema = z
  .string()
  .trim()
  .min(1, 'Required')
  .max(60, 'At most 60 characters')
  .superRefine(visibleName);
export const spaceRoleSchema = z.enum(['owner', 'admin', 'member']);
export type SpaceRole = z.infer<typeof spaceRoleSchema>;
/** invite: only by an invite link; domain: anyone verified with an email on `joinDomains`; anyone: open. */
export const spaceJoinPolicySchema = z.enum(['invite', 'domain', 'anyone']);
export type SpaceJoinPolicy = z.infer<typeof spaceJoinPolicySchema>;
const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/,
    'A domain name',
  );
const accentSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A colour like #3366ff');
/** Like a reading language: members who chose none read translations in the space's language. */
const languageSchema = z.string().regex(/^[a-z]{2,3}$/, 'Use a language code such as "en" or "es"');

export const spaceSettingsSchema = z.object({
  name: spaceNameSchema,
  /** An emoji or up to two letters shown in the switcher. */
  icon: z.string().trim().max(8).nullable(),
  accentColor: accentSchema.nullable(),
  joinPolicy: spaceJoinPolicySchema,
  joinDomains: z.array(domainSchema).max(20),
  defaultLanguage: languageSchema.nullable(),
  /** Messages older than this many days are deleted by the sweeper; null keeps them forever. */
  retentionDays: z.number().int().min(1).max(3650).nullable(),
  /** How long a message stays editable, in seconds; null: no limit. */
  editWindowSeconds: z.number().int().min(0).max(31_536_000).nullable(),
  membersMayCreateChannels: z.boolean(),
});
export type SpaceSettings = z.infer<typeof spaceSettingsSchema>;

export const spaceSchema = spaceSettingsSchema.extend({
  id: z.string(),
  slug: z.string(),
  createdAt: z.string(),
  /** Set while the space is waiting to be deleted (owners can still cancel until then). */
  deleteAfter: z.string().nullable(),
});
export type Space = z.infer<typeof spaceSchema>;

/** A space as one of its members sees it in the switcher. */
export const mySpaceSchema = spaceSchema.extend({
  role: spaceRoleSchema,
  unreadCount: z.number().int().nonnegative(),
});
export type MySpace = z.infer<typeof mySpaceSchema>;

export const spaceMemberSchema = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  role: spaceRoleSchema,
  joinedAt: z.string(),
});
export type SpaceMember = z.infer<typeof spaceMemberSchema>;

export const createSpaceRequestSchema = z
  .object({ name: spaceNameSchema, slug: spaceSlugSchema.optional() })
  .merge(spaceSettingsSchema.omit({ name: true }).partial())
  .strict();
export type CreateSpaceRequest = z.infer<typeof createSpaceRequestSchema>;
export const updateSpaceRequestSchema = spaceSettingsSchema
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Nothing to change');
export type UpdateSpaceRequest = z.infer<typeof updateSpaceRequestSchema>;
export const updateSpaceMemberRequestSchema = z.object({ role: z.enum(['admin', 'member']) }).strict();

/** What someone with an invite link sees before joining. */
export const spaceInvitePreviewSchema = z.object({
  code: z.string(),
  space: spaceSchema.pick({ id: true, slug: true, name: true, icon: true, accentColor: true }),
  memberCount: z.number().int().nonnegative(),
  alreadyMember: z.boolean(),
});
export type SpaceInvitePreview = z.infer<typeof spaceInvitePreviewSchema>;
export const spaceInviteSchema = z.object({
  code: z.string(),
  spaceId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});
export type SpaceInvite = z.infer<typeof spaceInviteSchema>;
/** Site admins: the space's own MongoDB deployment. */
export const setSpaceDatabaseRequestSchema = z
  .object({
    mongoUri: z
      .string()
      .trim()
      .max(2000)
      .regex(/^mongodb(?:\+srv)?:\/\/\S+$/, 'A mongodb:// or mongodb+srv:// URI'),
  })
  .strict();
export const createSpaceInviteRequestSchema = z
  .object({
    expiresInHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .optional(),
  })
  .strict();
