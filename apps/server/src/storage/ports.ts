/**
 * The storage port. Feature modules depend on these types only; the SQLite and MongoDB adapters
 * implement them (`storage/sqlite`, `storage/mongo`) and pass one contract suite (`storage/contract`).
 * One small interface per aggregate, holding only the queries features use.
 */
import type { BlocksRepo, OneTimeTokensRepo, SessionsRepo, UsersRepo } from './ports/accounts.ts';
import type { ContactsRepo } from './ports/contacts.ts';
import type { DiscoveryRepo } from './ports/discovery.ts';
import type { E2eeRepo } from './ports/e2ee.ts';
import type { IdentitiesRepo } from './ports/identities.ts';
import type { LinkPreviewsRepo } from './ports/link-previews.ts';
import type { MediaRepo } from './ports/media.ts';
import type { ConversationsRepo, InvitesRepo, MessagesRepo, ParticipantsRepo } from './ports/messaging.ts';
import type { AuditLogRepo, ReportsRepo, StatsRepo } from './ports/moderation.ts';
import type { EmailDigestRepo, PushQueueRepo, PushSubscriptionsRepo } from './ports/notifications.ts';
import type { LeaderboardsRepo, PointsHistoryRepo, PointsRepo } from './ports/points.ts';
import type { PendingRegistrationsRepo } from './ports/registrations.ts';
import type { SharedItemsRepo } from './ports/shared-items.ts';
import type { SocialLinksRepo } from './ports/social-links.ts';
import type { SpacesRepo } from './ports/spaces.ts';
import type { TranslationsRepo } from './ports/translations.ts';

export { DuplicateKeyError } from './errors.ts';
export type * from './ports/accounts.ts';
export type * from './ports/contacts.ts';
export type * from './ports/discovery.ts';
export type * from './ports/e2ee.ts';
export type * from './ports/identities.ts';
export type * from './ports/link-previews.ts';
export type * from './ports/media.ts';
export type * from './ports/messaging.ts';
export { SEARCH_CANDIDATES, SNIPPET_END, SNIPPET_START } from './ports/messaging.ts';
export type * from './ports/moderation.ts';
export { DAY_MS, dayKey, dayRange } from './ports/moderation.ts';
export type * from './ports/notifications.ts';
export type * from './ports/points.ts';
export { ALL_TIME, isoWeekKey } from './ports/points.ts';
export type * from './ports/registrations.ts';
export type * from './ports/shared-items.ts';
export type * from './ports/social-links.ts';
export { SOCIAL_LINK_ORDER } from './ports/social-links.ts';
export type * from './ports/spaces.ts';
export type * from './ports/translations.ts';
export { translationVersion } from './ports/translations.ts';

export type Storage = {
  readonly kind: 'sqlite' | 'mongo';
  readonly users: UsersRepo;
  readonly sessions: SessionsRepo;
  readonly oneTimeTokens: OneTimeTokensRepo;
  readonly pendingRegistrations: PendingRegistrationsRepo;
  readonly blocks: BlocksRepo;
  readonly identities: IdentitiesRepo;
  readonly conversations: ConversationsRepo;
  readonly participants: ParticipantsRepo;
  readonly messages: MessagesRepo;
  readonly invites: InvitesRepo;
  readonly media: MediaRepo;
  readonly sharedItems: SharedItemsRepo;
  readonly reports: ReportsRepo;
  readonly auditLog: AuditLogRepo;
  readonly stats: StatsRepo;
  /** End-to-end encryption: devices, KeyPackages, MLS groups, messages and Welcomes. */
  readonly e2ee: E2eeRepo;
  readonly translations: TranslationsRepo;
  readonly pushSubscriptions: PushSubscriptionsRepo;
  readonly pushQueue: PushQueueRepo;
  readonly emailDigest: EmailDigestRepo;
  /** Link previews on messages, their per-URL cache and their stored images. */
  readonly linkPreviews: LinkPreviewsRepo;
  /** Personal contact lists. */
  readonly contacts: ContactsRepo;
  /** Who may be found by the hash of their email (find friends). */
  readonly discovery: DiscoveryRepo;
  /** Social profiles shown on a person's profile. */
  readonly socialLinks: SocialLinksRepo;
  readonly points: PointsRepo;
  readonly leaderboards: LeaderboardsRepo;
  readonly pointsHistory: PointsHistoryRepo;
  /** The space registry (global: the home database holds it). */
  readonly spaces: SpacesRepo;
  /** Cheap round-trip used by /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
};
