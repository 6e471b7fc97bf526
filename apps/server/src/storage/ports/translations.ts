/*
 * Translation storage: the cache of provider translations, per-user per-conversation "translate
 * automatically", and the daily character counters behind the quotas. A cached translation is keyed
 * by (message, edit version, target language): one provider call per message and language, however
 * many readers. Edit and delete-for-everyone drop a message's translations (MessagesRepo), and save()
 * refuses to store one for a message that was deleted or edited since: a deleted message's text must
 * not survive in another language.
 */

/** The edit version of a message: its editedAt in ms, 0 when never edited. */
export const translationVersion = (m: { editedAt: Date | null }): number => (m.editedAt ? m.editedAt.getTime() : 0);

export type CachedTranslation = {
  messageId: string;
  version: number;
  /** Target language (ISO 639-1). */
  target: string;
  /** Source language the provider detected, when it said. */
  source: string | null;
  text: string;
  createdAt: Date;
};

export type QuotaReservation = { ok: true } | { ok: false; exceeded: 'user' | 'global' };

export type TranslationsRepo = {
  /** Cached translations into `target` of these (message, version) pairs; missing ones are absent. */
  find(keys: { messageId: string; version: number }[], target: string): Promise<CachedTranslation[]>;
  /**
   * Upserts. An item whose message is gone, deleted, or at another version than `version` is skipped
   * (it raced with an edit or a delete).
   */
  save(items: CachedTranslation[]): Promise<void>;
  /** Per user, per conversation: show incoming messages translated. */
  setAuto(userId: string, conversationId: string, on: boolean, now: Date): Promise<void>;
  isAuto(userId: string, conversationId: string): Promise<boolean>;
  /**
   * Atomically adds `chars` to the user's and the global counter of `day` (YYYY-MM-DD, UTC) when both
   * stay within their limits; otherwise adds nothing and says which limit would be passed.
   */
  reserve(input: {
    userId: string;
    day: string;
    chars: number;
    userLimit: number;
    globalLimit: number;
  }): Promise<QuotaReservation>;
  /** Gives back what reserve() took (the provider call failed). Never below zero. */
  release(input: { userId: string; day: string; chars: number }): Promise<void>;
  usage(userId: string, day: string): Promise<{ user: number; global: number }>;
};
