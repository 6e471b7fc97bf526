import type { Database } from 'better-sqlite3';
import { SOCIAL_LINK_ORDER, type SocialLinkRecord, type SocialLinksRepo } from '../ports.ts';
import { dateOf } from './sqlite-util.ts';

type Row = {
  user_id: string;
  network: SocialLinkRecord['network'];
  handle: string;
  visibility: SocialLinkRecord['visibility'];
  verified: number;
  created_at: number;
  updated_at: number;
};

const toRecord = (r: Row): SocialLinkRecord => ({
  userId: r.user_id,
  network: r.network,
  handle: r.handle,
  visibility: r.visibility,
  verified: r.verified === 1,
  createdAt: dateOf(r.created_at),
  updatedAt: dateOf(r.updated_at),
});

const rank = (n: SocialLinkRecord['network']) => SOCIAL_LINK_ORDER.indexOf(n);

export function createSqliteSocialLinksRepo(db: Database): SocialLinksRepo {
  const one = db.prepare<[string, string], Row>('SELECT * FROM social_links WHERE user_id = ? AND network = ?');
  const upsert = db.prepare<[string, string, string, string, number, number, number]>(
    `INSERT INTO social_links (user_id, network, handle, visibility, verified, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (user_id, network) DO UPDATE SET handle = excluded.handle, visibility = excluded.visibility,
       verified = excluded.verified, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string, string]>('DELETE FROM social_links WHERE user_id = ? AND network = ?');
  const removeAll = db.prepare<[string]>('DELETE FROM social_links WHERE user_id = ?');
  const list = db.prepare<[string], Row>('SELECT * FROM social_links WHERE user_id = ?');
  const save = db.transaction((l: Parameters<SocialLinksRepo['save']>[0], now: number) => {
    const existed = one.get(l.userId, l.network) !== undefined;
    upsert.run(l.userId, l.network, l.handle, l.visibility, Number(l.verified), now, now);
    const row = one.get(l.userId, l.network);
    if (!row) throw new Error('sqlite: saved social link missing');
    return { link: toRecord(row), created: !existed };
  });

  return {
    async save(link, now) {
      return save(link, now.getTime());
    },
    async remove(userId, network) {
      return remove.run(userId, network).changes > 0;
    },
    async list(userId) {
      return list
        .all(userId)
        .map(toRecord)
        .sort((a, b) => rank(a.network) - rank(b.network));
    },
    async removeAll(userId) {
      return removeAll.run(userId).changes;
    },
  };
}
