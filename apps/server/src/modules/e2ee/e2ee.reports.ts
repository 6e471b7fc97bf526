import { decodePayload, E2eeError, verifyFranking } from '@charla/e2ee';
import type { E2eeReportEvidenceDto, Report, reportE2eeMessageRequestSchema } from '@charla/shared-types';
import type { z } from 'zod';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../http/errors.ts';
import { DuplicateKeyError, type ReportRecord } from '../../storage/ports.ts';
import { toReportDto } from '../moderation/moderation.mapper.ts';
import { requireEncryptedMember } from './e2ee.access.ts';
import { decodeBlob } from './e2ee.mapper.ts';
import type { E2eeDeps } from './e2ee.module.ts';

type ReportBody = z.output<typeof reportE2eeMessageRequestSchema>;

/**
 * Reports of encrypted messages by message franking: the reporter reveals the payload and its franking
 * key; the server recomputes the HMAC over (conversation, sender, payload) with the conversation and
 * sender IT stored, compares it with the commitment it kept beside the ciphertext, and only then files
 * the report with the revealed content as evidence. A forged report is refused and leaves nothing.
 */
export function createE2eeReports(deps: E2eeDeps) {
  const { storage, clock } = deps;

  return {
    async report(userId: string, body: ReportBody): Promise<Report> {
      const [message] = await storage.e2ee.findMessages([body.messageId]);
      if (message?.kind !== 'application' || !message.frankingTag) throw notFound('Message');
      try {
        await requireEncryptedMember(storage, message.conversationId, userId);
      } catch {
        throw notFound('Message');
      }
      if (message.senderId === userId) throw badRequest('You cannot report your own message');
      const payload = decodeBlob(body.payload, 'payload', 64 * 1024);
      const key = decodeBlob(body.frankingKey, 'frankingKey', 32);
      const genuine = await verifyFranking(message.conversationId, message.senderId, payload, key, message.frankingTag);
      if (!genuine)
        throw unprocessable('The revealed message does not match what was sent: report refused', {
          payload: ['Does not match the franking commitment'],
        });
      let report: ReportRecord;
      try {
        report = await storage.reports.create({
          reporterId: userId,
          targetType: 'message',
          targetId: message.id,
          conversationId: message.conversationId,
          reason: body.reason,
          note: body.note,
          createdAt: clock.now(),
        });
      } catch (err) {
        if (err instanceof DuplicateKeyError) throw conflict('You already reported this message');
        throw err;
      }
      await storage.e2ee.addReportEvidence({
        reportId: report.id,
        messageId: message.id,
        conversationId: message.conversationId,
        senderId: message.senderId,
        payload,
        frankingKey: key,
        createdAt: clock.now(),
      });
      return toReportDto(report);
    },

    /** Site admins, and the owners/admins of the group concerned (never a direct chat's members, never its sender). */
    async evidence(viewer: { userId: string; role: string }, reportId: string): Promise<E2eeReportEvidenceDto> {
      const evidence = await storage.e2ee.findReportEvidence(reportId);
      if (!evidence) throw notFound('Report');
      if (viewer.role !== 'admin') {
        const [conversation, me] = await Promise.all([
          storage.conversations.findById(evidence.conversationId),
          storage.participants.find(evidence.conversationId, viewer.userId),
        ]);
        // A report about one's own message does not exist for them (as in the group's report list).
        if (!conversation || !me || me.leftAt || evidence.senderId === viewer.userId) throw notFound('Report');
        if (conversation.kind === 'direct' || me.role === 'member')
          throw forbidden('Only site admins and the group’s owners and admins see reports');
      }
      const [message] = await storage.e2ee.findMessages([evidence.messageId]);
      let kind = 'unknown';
      let text = '';
      let attachments: E2eeReportEvidenceDto['attachments'] = [];
      try {
        const p = decodePayload(evidence.payload);
        kind = p.t;
        if (p.t === 'text' || p.t === 'edit') text = p.text;
        if (p.t === 'react') text = p.emoji;
        if (p.t === 'text') attachments = p.attachments.map((a) => ({ name: a.name, mime: a.mime, size: a.size }));
      } catch (err) {
        // Committed bytes that are not a valid payload: shown raw (still proven to be the sender's).
        if (!(err instanceof E2eeError)) throw err;
        text = new TextDecoder().decode(evidence.payload);
      }
      return {
        reportId,
        messageId: evidence.messageId,
        conversationId: evidence.conversationId,
        senderId: evidence.senderId,
        verified: true,
        kind,
        text,
        attachments,
        sentAt: (message?.createdAt ?? evidence.createdAt).toISOString(),
      };
    },
  };
}
