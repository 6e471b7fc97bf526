import type { Media } from '@charla/shared-types';
import { describe, expect, it } from 'vitest';
import { summary } from '../../api/test-fixtures.ts';
import { type MessageKey, translate } from '../../ui/i18n.tsx';
import { describeMedia, typingText } from './conversation-preview.tsx';
import { filterConversations } from './conversation-utils.ts';

const en = (k: MessageKey, v?: Record<string, string | number>) => translate('en', k, v);
const es = (k: MessageKey, v?: Record<string, string | number>) => translate('es', k, v);
const media = (over: Partial<Media>): Media => ({
  id: 'm',
  kind: 'image',
  mime: 'image/png',
  size: 1,
  width: null,
  height: null,
  duration: null,
  fileName: 'x.png',
  url: '',
  thumbnailUrl: null,
  createdAt: '',
  ...over,
});

describe('chat list previews', () => {
  it('say what media is: photo, video, voice message with its length, a file by name', () => {
    expect(describeMedia(media({}), en)).toBe('📷 Photo');
    expect(describeMedia(media({}), en, 3)).toBe('📷 Photo +2');
    expect(describeMedia(media({ kind: 'video', mime: 'video/mp4' }), es)).toBe('🎥 Vídeo');
    expect(describeMedia(media({ kind: 'audio', mime: 'audio/webm', duration: 12.2 }), en)).toBe(
      '🎤 Voice message 0:12',
    );
    expect(describeMedia(media({ kind: 'audio', mime: 'audio/ogg', duration: 65 }), es)).toBe('🎤 Mensaje de voz 1:05');
    expect(describeMedia(media({ kind: 'audio', mime: 'audio/mpeg', fileName: 'song.mp3' }), en)).toBe('🎵 song.mp3');
    expect(describeMedia(media({ kind: 'file', mime: 'application/pdf', fileName: 'plan.pdf' }), en)).toBe(
      '📄 plan.pdf',
    );
  });

  it('say who is typing in groups', () => {
    expect(typingText(['Ana'], true, en)).toBe('Ana is typing…');
    expect(typingText(['Ana', 'Ben'], true, es)).toBe('Ana, Ben escribiendo…');
    expect(typingText(['Ana'], false, en)).toBe('typing…');
  });

  it('the Unread filter includes chats marked unread', () => {
    const a = summary({ id: 'a', unreadCount: 0 });
    const b = summary({ id: 'b', unreadCount: 0 });
    const marked = { ...b, me: { ...b.me, markedUnread: true } };
    expect(filterConversations([a, marked], '', 'unread').map((c) => c.id)).toEqual(['b']);
  });
});
