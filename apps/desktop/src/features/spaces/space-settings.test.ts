import { HOME_SPACE_ID, type Space } from '@charla/shared-types';
import { describe, expect, it } from 'vitest';
import { suggestSlug } from './create-space-dialog.tsx';
import { exportFileName } from './space-export.ts';
import { canManage } from './space-members.tsx';
import { neighbourSpace, railSpaces } from './space-rail.tsx';
import { draftOf, settingsPatch } from './space-settings-form.tsx';

const space: Space = {
  id: 'sp-1',
  slug: 'book-club',
  name: 'Book club',
  icon: null,
  accentColor: null,
  joinPolicy: 'invite',
  joinDomains: [],
  defaultLanguage: null,
  retentionDays: null,
  editWindowSeconds: null,
  membersMayCreateChannels: true,
  createdAt: '2026-12-01T00:00:00.000Z',
  deleteAfter: null,
};

describe('space settings form', () => {
  it('sends nothing when nothing changed', () => {
    expect(settingsPatch(space, draftOf(space))).toEqual({ ok: true, patch: null });
  });

  it('sends only what changed, in the server’s units', () => {
    const d = {
      ...draftOf(space),
      icon: '📚',
      useAccent: true,
      accentColor: '#3366ff',
      retention: 'days' as const,
      retentionDays: '30',
      editLimit: 'minutes' as const,
      editMinutes: '15',
      joinPolicy: 'domain' as const,
      joinDomains: 'Example.org, @school.edu;  ',
    };
    expect(settingsPatch(space, d)).toEqual({
      ok: true,
      patch: {
        icon: '📚',
        accentColor: '#3366ff',
        joinPolicy: 'domain',
        joinDomains: ['example.org', 'school.edu'],
        retentionDays: 30,
        editWindowSeconds: 900,
      },
    });
  });

  it('turns options off again: forever, any time, no accent, domains cleared with the domain policy', () => {
    const before = {
      ...space,
      accentColor: '#3366ff',
      retentionDays: 30,
      editWindowSeconds: 60,
      joinPolicy: 'domain' as const,
      joinDomains: ['example.org'],
    };
    const d = { ...draftOf(before), useAccent: false, retention: 'forever' as const, editLimit: 'none' as const };
    expect(settingsPatch(before, { ...d, joinPolicy: 'anyone' })).toEqual({
      ok: true,
      patch: { accentColor: null, retentionDays: null, editWindowSeconds: null, joinPolicy: 'anyone', joinDomains: [] },
    });
  });

  it('names the field the server would refuse, and sends nothing', () => {
    const d = draftOf(space);
    expect(settingsPatch(space, { ...d, retention: 'days', retentionDays: '0' })).toEqual({
      ok: false,
      field: 'retentionDays',
    });
    expect(settingsPatch(space, { ...d, retention: 'days', retentionDays: 'many' })).toEqual({
      ok: false,
      field: 'retentionDays',
    });
    expect(settingsPatch(space, { ...d, editLimit: 'minutes', editMinutes: '-1' })).toEqual({
      ok: false,
      field: 'editMinutes',
    });
    expect(settingsPatch(space, { ...d, joinPolicy: 'domain', joinDomains: 'not a domain' })).toEqual({
      ok: false,
      field: 'joinDomains',
    });
    expect(settingsPatch(space, { ...d, joinPolicy: 'domain', joinDomains: ' ' })).toEqual({
      ok: false,
      field: 'joinDomains',
    });
    expect(settingsPatch(space, { ...d, icon: '123456789' })).toEqual({ ok: false, field: 'icon' });
  });
});

describe('space helpers', () => {
  it('suggests a slug from a name', () => {
    expect(suggestSlug('Book Club!')).toBe('book-club');
    expect(suggestSlug('  Ñandú  Fans ')).toBe('nandu-fans');
    expect(suggestSlug('🚀')).toBe('');
    expect(suggestSlug('a'.repeat(39) + ' b')).toBe('a'.repeat(39));
  });

  it('names the export file from the server, safely, or from the slug', () => {
    expect(exportFileName('attachment; filename="club.json"', 'club')).toBe('club.json');
    expect(exportFileName("attachment; filename*=UTF-8''caf%C3%A9.zip", 'club')).toBe('café.zip');
    expect(exportFileName('attachment; filename="../../etc/passwd"', 'club')).toBe('.._.._etc_passwd');
    expect(exportFileName(null, 'club', new Date('2026-12-06T10:00:00Z'))).toBe('club-export-2026-12-06.json');
  });

  it('lets owners manage everyone but themselves, admins only members, nobody the owner', () => {
    expect(canManage('owner', 'admin', false)).toBe(true);
    expect(canManage('owner', 'member', false)).toBe(true);
    expect(canManage('owner', 'owner', true)).toBe(false);
    expect(canManage('admin', 'member', false)).toBe(true);
    expect(canManage('admin', 'admin', false)).toBe(false);
    expect(canManage('admin', 'owner', false)).toBe(false);
    expect(canManage('member', 'member', false)).toBe(false);
  });

  it('puts home first in the switcher, named in the user’s language, even when the list has not come', () => {
    const mine = [
      { id: 'sp-1', name: 'Club', icon: null, accentColor: null, unreadCount: 2 },
      { id: HOME_SPACE_ID, name: 'Charla', icon: null, accentColor: null, unreadCount: 0 },
    ];
    expect(railSpaces(mine, 'Home').map((s) => s.id)).toEqual([HOME_SPACE_ID, 'sp-1']);
    expect(railSpaces(mine, 'Inicio')[0]?.name).toBe('Inicio');
    expect(railSpaces(undefined, 'Home')).toEqual([
      { id: HOME_SPACE_ID, name: 'Home', icon: null, accentColor: null, unreadCount: 0 },
    ]);
  });

  it('steps to the neighbouring space with wrap-around, and nowhere when there is one', () => {
    const ids = [HOME_SPACE_ID, 'a', 'b'];
    expect(neighbourSpace(ids, HOME_SPACE_ID, 1)).toBe('a');
    expect(neighbourSpace(ids, 'b', 1)).toBe(HOME_SPACE_ID);
    expect(neighbourSpace(ids, HOME_SPACE_ID, -1)).toBe('b');
    expect(neighbourSpace(ids, 'gone', 1)).toBe('a');
    expect(neighbourSpace([HOME_SPACE_ID], HOME_SPACE_ID, 1)).toBeUndefined();
  });
});
