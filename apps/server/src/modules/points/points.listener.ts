import type { Message } from '@charla/shared-types';
import type { MessageContentEvents } from '../messaging/messages.content-events.ts';
import type { Fanout, PublishedFact } from '../realtime/realtime.fanout.ts';
import type { MessageFact, PointsService } from './points.service.ts';

/** Metadata only: the text and the reply's quoted snippet never reach the points rules. */
export function messageFact(m: Message): MessageFact {
  return {
    id: m.id,
    conversationId: m.conversationId,
    senderId: m.senderId,
    kind: m.kind,
    forwarded: m.forwardedFrom !== null,
    replyTo: m.replyTo ? { id: m.replyTo.id, senderId: m.replyTo.snapshot.senderId } : null,
    createdAt: new Date(m.createdAt),
    deletedAt: m.deletedAt ? new Date(m.deletedAt) : null,
  };
}

/**
 * Points listen to the facts messaging publishes on this node (each fact is published by exactly
 * one node, the one that made the change; the ledger's unique keys make retries harmless). Awarding
 * runs after delivery and never delays or fails the request that caused it. `pending` lets tests
 * and shutdown wait for the work in flight.
 */
export function listenForPoints(
  fanout: Pick<Fanout, 'onPublished'>,
  points: PointsService,
  onJoined: (conversationId: string, userId: string, changeSeq: number) => Promise<void>,
  /** Messages whose text was written (messaging): their detected language feeds Polyglot. */
  written?: Pick<MessageContentEvents, 'on'>,
) {
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const stop = fanout.onPublished((fact: PublishedFact) => {
    switch (fact.event) {
      case 'message:created':
        track(points.onMessageCreated(messageFact(fact.args[0].message)));
        break;
      case 'reaction:updated': {
        const e = fact.args[0];
        if (e.added) track(points.onReactionAdded(e));
        break;
      }
      case 'message:deleted': {
        const e = fact.args[0];
        if (e.scope === 'everyone' && e.message) track(points.onMessageDeleted(messageFact(e.message)));
        break;
      }
      case 'participant:joined': {
        const e = fact.args[0];
        track(onJoined(e.conversationId, e.participant.user.id, e.changeSeq).catch(() => undefined));
        break;
      }
      default:
        break;
    }
  });
  // The language was detected at send or edit (translation, through messaging) and stored only where
  // the server may read content; the rule checks the content policy again. An edit counts as the
  // backfill counts it: the stored language is the message's language.
  const stopWritten =
    written?.on(({ message: m }) => {
      if (!m.language || !m.senderId || m.deletedAt) return;
      track(
        points.onMessageLanguage({
          id: m.id,
          conversationId: m.conversationId,
          senderId: m.senderId,
          language: m.language,
          createdAt: m.createdAt,
        }),
      );
    }) ?? (() => undefined);
  return {
    stop(): void {
      stop();
      stopWritten();
    },
    /** Resolves when the awards started so far are written. */
    async settled(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
