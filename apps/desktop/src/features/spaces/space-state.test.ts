import { HOME_SPACE_ID, SPACE_HEADER } from '@charla/shared-types';
import { describe, expect, it } from 'vitest';
import {
  forgetSpace,
  readActiveSpace,
  readLastConversation,
  spaceHeaders,
  spaceInitials,
  spaceInviteLink,
  textOn,
  withSpaceQuery,
  writeActiveSpace,
  writeLastConversation,
} from './space-state.ts';

function memory(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

describe('the current space, per account', () => {
  it('is home until one is chosen, and is remembered per account', () => {
    const s = memory();
    expect(readActiveSpace('ana', s)).toBe(HOME_SPACE_ID);
    writeActiveSpace('ana', 'sp-1', s);
    expect(readActiveSpace('ana', s)).toBe('sp-1');
    expect(readActiveSpace('ben', s)).toBe(HOME_SPACE_ID);
    writeActiveSpace('ana', HOME_SPACE_ID, s);
    expect(readActiveSpace('ana', s)).toBe(HOME_SPACE_ID);
    expect(s.length).toBe(0);
  });

  it('ignores what it did not write, and a storage that throws', () => {
    const s = memory();
    s.setItem('charla.space.ana', '../../etc');
    expect(readActiveSpace('ana', s)).toBe(HOME_SPACE_ID);
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
      removeItem: () => undefined,
    };
    expect(readActiveSpace('ana', broken)).toBe(HOME_SPACE_ID);
    expect(() => writeActiveSpace('ana', 'sp-1', broken)).not.toThrow();
    expect(() => writeLastConversation('ana', 'sp-1', 'c1', broken)).not.toThrow();
  });
});

describe('the last open conversation, per space', () => {
  it('keeps one per space and account, and forgets it on request', () => {
    const s = memory();
    writeLastConversation('ana', HOME_SPACE_ID, 'c-home', s);
    writeLastConversation('ana', 'sp-1', 'c-team', s);
    writeLastConversation('ben', 'sp-1', 'c-ben', s);
    expect(readLastConversation('ana', HOME_SPACE_ID, s)).toBe('c-home');
    expect(readLastConversation('ana', 'sp-1', s)).toBe('c-team');
    expect(readLastConversation('ben', 'sp-1', s)).toBe('c-ben');
    writeLastConversation('ana', 'sp-1', null, s);
    expect(readLastConversation('ana', 'sp-1', s)).toBeUndefined();
    expect(readLastConversation('ana', HOME_SPACE_ID, s)).toBe('c-home');
  });

  it('survives corrupt storage', () => {
    const s = memory();
    s.setItem('charla.space.ana.last', '{not json');
    expect(readLastConversation('ana', 'sp-1', s)).toBeUndefined();
    s.setItem('charla.space.ana.last', JSON.stringify({ 'sp-1': 42, 'sp-2': 'ok-id', 'sp-3': '<x>' }));
    expect(readLastConversation('ana', 'sp-1', s)).toBeUndefined();
    expect(readLastConversation('ana', 'sp-2', s)).toBe('ok-id');
    expect(readLastConversation('ana', 'sp-3', s)).toBeUndefined();
  });

  it('forgetting a space drops its conversation and, when current, goes home', () => {
    const s = memory();
    writeActiveSpace('ana', 'sp-1', s);
    writeLastConversation('ana', 'sp-1', 'c-team', s);
    forgetSpace('ana', 'sp-1', s);
    expect(readActiveSpace('ana', s)).toBe(HOME_SPACE_ID);
    expect(readLastConversation('ana', 'sp-1', s)).toBeUndefined();
  });
});

describe('naming the space on the wire', () => {
  it('sends the header outside home, never on the /spaces routes', () => {
    expect(spaceHeaders(HOME_SPACE_ID, '/conversations')).toEqual({});
    expect(spaceHeaders('sp-1', '/conversations')).toEqual({ [SPACE_HEADER]: 'sp-1' });
    expect(spaceHeaders('sp-1', '/media/abc')).toEqual({ [SPACE_HEADER]: 'sp-1' });
    expect(spaceHeaders('sp-1', '/spaces')).toEqual({});
    expect(spaceHeaders('sp-1', '/spaces/sp-1/members')).toEqual({});
    expect(spaceHeaders('sp-1', '/spacesuit')).toEqual({ [SPACE_HEADER]: 'sp-1' });
  });

  it('adds ?space= to URLs the browser loads, once', () => {
    expect(withSpaceQuery('/api/v1/link-previews/i1/image', HOME_SPACE_ID)).toBe('/api/v1/link-previews/i1/image');
    expect(withSpaceQuery('/x/img', 'sp 1')).toBe('/x/img?space=sp%201');
    expect(withSpaceQuery('/x/img?w=2', 'sp-1')).toBe('/x/img?w=2&space=sp-1');
    expect(withSpaceQuery('/x/img?space=sp-1', 'sp-1')).toBe('/x/img?space=sp-1');
  });
});

describe('how a space looks and is shared', () => {
  it('shows initials for a space without an icon', () => {
    expect(spaceInitials('Book club')).toBe('BC');
    expect(spaceInitials('  design ')).toBe('DE');
    expect(spaceInitials('Ñandú team rocks')).toBe('ÑT');
    expect(spaceInitials('')).toBe('?');
  });

  it('picks legible text on any accent', () => {
    expect(textOn('#ffee00')).toBe('#000000');
    expect(textOn('#17694f')).toBe('#ffffff');
    expect(textOn('not a colour')).toBe('#ffffff');
  });

  it('builds the invite link on the web origin', () => {
    expect(spaceInviteLink('https://chat.example.org/', 'book-club', 'Ab_9')).toBe(
      'https://chat.example.org/s/book-club/invite/Ab_9',
    );
  });
});
