import { z } from 'zod';

/** A language as the reader chooses it: lower-case ISO 639-1 (or 639-2 where there is no two-letter code). */
export const languageCodeSchema = z.string().regex(/^[a-z]{2,3}$/, 'Use a language code such as "en" or "es"');

export const translationProviderSchema = z.enum(['deepl', 'libretranslate', 'google']);

/** GET /translation: whether translation is on, what can be chosen, and today's use. */
export const translationStatusSchema = z.object({
  enabled: z.boolean(),
  provider: translationProviderSchema.nullable(),
  /** When disabled: one line telling an admin what to set. */
  adminHint: z.string().nullable(),
  /** Target languages the provider offers (lower-case codes); [] when disabled or not known yet. */
  languages: z.array(z.object({ code: z.string(), name: z.string() })),
  quota: z.object({
    /** Characters this user may send to the provider per UTC day, and how many they used today. */
    userDailyChars: z.number().int(),
    usedToday: z.number().int(),
    /** The whole server's allowance is used up for today. */
    globalExhausted: z.boolean(),
  }),
});
export type TranslationStatus = z.infer<typeof translationStatusSchema>;

/** GET/PUT /conversations/:id/translation: my "Translate automatically" and whether it can be used. */
export const conversationTranslationSchema = z.object({
  auto: z.boolean(),
  available: z.boolean(),
  /** Why not: no provider configured, or an end-to-end encrypted conversation (never sent to a provider). */
  unavailableReason: z.enum(['no_provider', 'encrypted']).nullable(),
});
export type ConversationTranslation = z.infer<typeof conversationTranslationSchema>;

export const setAutoTranslateRequestSchema = z.object({ auto: z.boolean() }).strict();

/** A screenful: at most 50 messages of one conversation, in one provider call for the uncached ones. */
export const translateRequestSchema = z
  .object({
    messageIds: z.array(z.string().min(1).max(64)).min(1).max(50),
    target: languageCodeSchema,
  })
  .strict();
export type TranslateRequest = z.infer<typeof translateRequestSchema>;

export const translationItemSchema = z.discriminatedUnion('status', [
  z.object({
    messageId: z.string(),
    status: z.literal('translated'),
    text: z.string(),
    /** The source language (the provider's detection, else ours). */
    source: z.string().nullable(),
    target: z.string(),
  }),
  z.object({
    messageId: z.string(),
    status: z.literal('original'),
    /** own: never translated for its sender; same_language/unknown_language/no_text: nothing to do. */
    reason: z.enum(['own', 'same_language', 'unknown_language', 'no_text']),
  }),
]);
export type TranslationItem = z.infer<typeof translationItemSchema>;

export const translateResponseSchema = z.object({ items: z.array(translationItemSchema) });
export type TranslateResponse = z.infer<typeof translateResponseSchema>;
