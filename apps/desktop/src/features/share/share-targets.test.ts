import { describe, expect, it } from 'vitest';
import { SHARE_TARGETS, shareUrl } from './share-targets.ts';

describe('share links', () => {
  const invite = {
    url: 'https://chat.example.com/invite/abc DEF&x=1',
    text: 'Join “Book club” & more',
    title: 'Invite',
  };

  it('builds each network’s share URL with every part encoded', () => {
    expect(Object.fromEntries(SHARE_TARGETS.map((t) => [t, shareUrl(t, invite)]))).toEqual({
      x: 'https://twitter.com/intent/tweet?text=Join%20%E2%80%9CBook%20club%E2%80%9D%20%26%20more&url=https%3A%2F%2Fchat.example.com%2Finvite%2Fabc%20DEF%26x%3D1',
      facebook:
        'https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fchat.example.com%2Finvite%2Fabc%20DEF%26x%3D1',
      whatsapp:
        'https://wa.me/?text=Join%20%E2%80%9CBook%20club%E2%80%9D%20%26%20more%20https%3A%2F%2Fchat.example.com%2Finvite%2Fabc%20DEF%26x%3D1',
      telegram:
        'https://t.me/share/url?url=https%3A%2F%2Fchat.example.com%2Finvite%2Fabc%20DEF%26x%3D1&text=Join%20%E2%80%9CBook%20club%E2%80%9D%20%26%20more',
      linkedin:
        'https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fchat.example.com%2Finvite%2Fabc%20DEF%26x%3D1',
      email:
        'mailto:?subject=Invite&body=Join%20%E2%80%9CBook%20club%E2%80%9D%20%26%20more%20https%3A%2F%2Fchat.example.com%2Finvite%2Fabc%20DEF%26x%3D1',
    });
  });

  it('offers link-only networks only when there is a link', () => {
    const text = { text: 'Hello there' };
    expect(SHARE_TARGETS.filter((t) => shareUrl(t, text) !== null)).toEqual(['x', 'whatsapp', 'email']);
    expect(shareUrl('email', text)).toBe('mailto:?subject=Hello%20there&body=Hello%20there');
  });
});
