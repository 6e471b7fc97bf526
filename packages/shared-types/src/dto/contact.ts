import { z } from 'zod';
import { visibleName } from './name.ts';
import { publicProfileSchema } from './user.ts';

/*
 * A personal contact: someone I keep in my list, with my own nickname for them and a favourite
 * flag. Private to me: the other person is never told and sees nothing of it.
 */
export const CONTACT_NICKNAME_MAX = 64;
/** More than anyone keeps by hand; the cap keeps one account from filling the store. */
export const CONTACTS_MAX = 2000;

export const contactNicknameSchema = z
  .string()
  .trim()
  .max(CONTACT_NICKNAME_MAX, `At most ${CONTACT_NICKNAME_MAX} characters`)
  .superRefine(visibleName);

/** PUT /contacts/:userId: adds the person (or updates them); absent fields keep their value. */
export const saveContactSchema = z
  .object({
    /** null or "" clears it. */
    nickname: contactNicknameSchema.nullable().transform((v) => (v ? v : null)),
    favourite: z.boolean(),
  })
  .partial()
  .strict();
export type SaveContact = z.infer<typeof saveContactSchema>;

export const contactSchema = z.object({
  user: publicProfileSchema,
  nickname: z.string().nullable(),
  favourite: z.boolean(),
  addedAt: z.string(),
});
export type Contact = z.infer<typeof contactSchema>;

export const contactListSchema = z.object({ items: z.array(contactSchema) });
export type ContactList = z.infer<typeof contactListSchema>;

/** GET /profiles/me: where my profile link points (share it, or show it as a QR code). */
export const profileLinksSchema = z.object({ username: z.string(), webUrl: z.string(), appUrl: z.string() });
export type ProfileLinks = z.infer<typeof profileLinksSchema>;
