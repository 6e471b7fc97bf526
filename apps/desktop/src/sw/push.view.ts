import { HIDDEN_TITLE, type PushPayload, pushPayloadSchema, truncateBody } from '@charla/shared-types';
import { enPush } from '../ui/locales/en-push.ts';
import { esPush } from '../ui/locales/es-push.ts';

/**
 * What the service worker shows for a push, kept pure so it is tested without a browser. One
 * notification per conversation (tag = conversation id, the same tag the open page uses, so a page
 * in the background and the worker never show two): a newer burst replaces it with a running count.
 */

/** What a shown notification carries, to add up bursts and to open the conversation on click. */
export type PushNotificationData = {
  charla: 1;
  /** The space the conversation is in (absent: home); a click switches there first. */
  spaceId?: string;
  conversationId: string;
  seq: number;
  messageId: string;
  /** Push ids already counted: a retry that reaches the device twice is not counted twice. */
  ids: string[];
  count: number;
};

export type ShownNotification = { tag: string; data: unknown; close(): void };

const words = { en: enPush, es: esPush } as const;

/** The push as the server sent it, or null for anything else (the worker then shows nothing of it). */
export function parsePush(text: string | null): PushPayload | null {
  if (!text) return null;
  try {
    const parsed = pushPayloadSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const previous = (n: ShownNotification | undefined): PushNotificationData | null => {
  const d = n?.data as Partial<PushNotificationData> | null | undefined;
  return d?.charla === 1 && Array.isArray(d.ids) && typeof d.count === 'number' ? (d as PushNotificationData) : null;
};

export function notificationFor(
  payload: PushPayload,
  shown: ShownNotification | undefined,
): { title: string; options: NotificationOptions & { data: PushNotificationData } } {
  const before = previous(shown);
  const duplicate = before?.ids.includes(payload.id) ?? false;
  const count = duplicate ? (before?.count ?? payload.count) : (before?.count ?? 0) + payload.count;
  const w = words[payload.lang];
  const counted = count > 1 ? w['push.sw.newMessages'].replace('{count}', String(count)) : '';
  const hidden = payload.hidden || !payload.title;
  const title = hidden ? HIDDEN_TITLE : (payload.title ?? HIDDEN_TITLE);
  const text = hidden ? '' : truncateBody(payload.body ?? '');
  const body = hidden ? counted || w['push.sw.newMessage'] : counted ? `${counted}\n${text}` : text;
  return {
    title,
    options: {
      body,
      tag: payload.conversationId,
      icon: '/favicon.ico',
      lang: payload.lang,
      data: {
        charla: 1,
        ...(payload.spaceId ? { spaceId: payload.spaceId } : {}),
        conversationId: payload.conversationId,
        seq: payload.seq,
        messageId: payload.messageId,
        ids: duplicate ? (before?.ids ?? [payload.id]) : [...(before?.ids ?? []).slice(-19), payload.id],
        count,
      },
    },
  };
}

/** Where a click goes: the conversation, at the newest message of the burst. */
export function openPathFor(data: unknown): string | null {
  const d = data as Partial<PushNotificationData> | null | undefined;
  if (d?.charla !== 1 || typeof d.conversationId !== 'string') return null;
  const seq = typeof d.seq === 'number' && d.seq > 0 ? `/${d.seq}` : '';
  const space = typeof d.spaceId === 'string' ? `?space=${encodeURIComponent(d.spaceId)}` : '';
  return `/#/c/${encodeURIComponent(d.conversationId)}${seq}${space}`;
}

/** The message the worker posts to an open page on a click (the page navigates itself). */
export type OpenConversationMessage = {
  type: 'charla:open';
  conversationId: string;
  seq: number | null;
  /** Absent for the home space. */
  spaceId?: string;
};

export function isOpenConversationMessage(m: unknown): m is OpenConversationMessage {
  const x = m as Partial<OpenConversationMessage> | null;
  return (
    x?.type === 'charla:open' &&
    typeof x.conversationId === 'string' &&
    x.conversationId.length <= 128 &&
    (x.spaceId === undefined || (typeof x.spaceId === 'string' && x.spaceId.length <= 64)) &&
    (x.seq === null || (typeof x.seq === 'number' && Number.isInteger(x.seq) && x.seq >= 0))
  );
}
