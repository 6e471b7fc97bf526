import { DuplicateKeyError } from '../errors.ts';
import type { AcceptInviteResult, InviteRecord, InvitesRepo } from '../ports.ts';
import { type MessagingCore, toConversation, toParticipant } from './sqlite-messaging-core.ts';
import { date, dateOf, required, rethrowUnique } from './sqlite-util.ts';

type InviteRow = {
  code: string;
  conversation_id: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  max_uses: number | null;
  uses: number;
  revoked_at: number | null;
};

const toInvite = (r: InviteRow): InviteRecord => ({
  code: r.code,
  conversationId: r.conversation_id,
  createdBy: r.created_by,
  createdAt: dateOf(r.created_at),
  expiresAt: date(r.expires_at),
  maxUses: r.max_uses,
  uses: r.uses,
  revokedAt: date(r.revoked_at),
});

export function createSqliteInvitesRepo(core: MessagingCore): InvitesRepo {
  const { db } = core;
  const insert = db.prepare<[string, string, string, number, number | null, number | null]>(
    `INSERT INTO invites (code, conversation_id, created_by, created_at, expires_at, max_uses)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const byCode = db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE code = ?');
  const byConversation = db.prepare<[string], InviteRow>(
    'SELECT * FROM invites WHERE conversation_id = ? ORDER BY created_at DESC, code',
  );
  const revokeStmt = db.prepare<[number, string]>(
    'UPDATE invites SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL',
  );
  const revokeByCreatorStmt = db.prepare<[number, string, string]>(
    'UPDATE invites SET revoked_at = ? WHERE conversation_id = ? AND created_by = ? AND revoked_at IS NULL',
  );
  const useStmt = db.prepare<[string]>('UPDATE invites SET uses = uses + 1 WHERE code = ?');

  const find = (code: string) => byCode.get(code);

  // One IMMEDIATE transaction: the maxUses check and the use count cannot interleave with another accept.
  const acceptTx = db.transaction((code: string, userId: string, now: Date): AcceptInviteResult => {
    const inv = find(code);
    if (!inv) return { status: 'not_found' };
    if (inv.revoked_at !== null) return { status: 'revoked' };
    if (inv.expires_at !== null && inv.expires_at <= now.getTime()) return { status: 'expired' };
    const conv = core.conversation(inv.conversation_id);
    if (!conv || conv.deleted_at !== null) return { status: 'not_found' };
    const existing = core.participant(conv.id, userId);
    if (existing && existing.left_at === null) {
      return {
        status: 'already_member',
        conversation: toConversation(conv),
        participant: toParticipant(existing),
        ...core.committed(conv.id),
      };
    }
    if (existing?.left_reason === 'removed') return { status: 'removed' };
    if (inv.max_uses !== null && inv.uses >= inv.max_uses) return { status: 'exhausted' };
    const added = required(
      core.addParticipant(conv, userId, 'member', userId, now, { via: 'invite', code }),
      'participant joining by invite',
    );
    useStmt.run(code);
    return {
      status: 'joined',
      conversation: toConversation(core.conversation(conv.id) ?? conv),
      participant: toParticipant(added),
      ...core.committed(conv.id),
    };
  });

  return {
    create: async (input) => {
      try {
        insert.run(
          input.code,
          input.conversationId,
          input.createdBy,
          input.now.getTime(),
          input.expiresAt ? input.expiresAt.getTime() : null,
          input.maxUses,
        );
      } catch (err) {
        // `code` is the primary key, which SQLite reports with its own error code.
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateKeyError('code');
        rethrowUnique(err, { code: 'code' });
      }
      return toInvite(required(find(input.code), 'invite just created'));
    },
    findByCode: async (code) => {
      const r = find(code);
      return r ? toInvite(r) : null;
    },
    listForConversation: async (conversationId) => byConversation.all(conversationId).map(toInvite),
    revoke: async (code, now) => revokeStmt.run(now.getTime(), code).changes > 0,
    revokeByCreator: async (conversationId, createdBy, now) =>
      revokeByCreatorStmt.run(now.getTime(), conversationId, createdBy).changes,
    accept: async (code, userId, now) => acceptTx.immediate(code, userId, now),
  };
}
