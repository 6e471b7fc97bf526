import type { AchievementId, AchievementTier } from '@charla/shared-types';

/** One glyph per achievement (24×24 paths), drawn inside a medal whose rim shows the tier. */
const GLYPHS: Record<AchievementId, string> = {
  // A speech bubble.
  first_words: 'M5 6h14a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2h-8l-4 3v-3H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z',
  // Two bubbles: a message and its reply.
  conversation_starter:
    'M3 5h11a1.5 1.5 0 0 1 1.5 1.5v5A1.5 1.5 0 0 1 14 13H8l-3 2.5V13H3a1.5 1.5 0 0 1-1.5-1.5v-5A1.5 1.5 0 0 1 3 5zm14 4h4a1.5 1.5 0 0 1 1.5 1.5v5A1.5 1.5 0 0 1 21 17h-1v2.5L17 17h-6a1.5 1.5 0 0 1-1.5-1.5V15H14a3 3 0 0 0 3-3V9z',
  // Linked people.
  connector:
    'M7 4a3 3 0 1 1 0 6 3 3 0 0 1 0-6zm10 0a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM2 18c0-3 2.5-5 5-5s5 2 5 5v1H2v-1zm10 0c0-3 2.5-5 5-5s5 2 5 5v1H12v-1z',
  // A flame.
  streak: 'M12 2c1 3.5 5 6 5 11a5 5 0 0 1-10 0c0-2.5 1.3-4 2.5-5 .2 1.8 1 3 2.3 3.5C11 9 11 5.5 12 2z',
  // A heart.
  helpful: 'M12 20s-8-4.8-8-10.5A4.5 4.5 0 0 1 12 7a4.5 4.5 0 0 1 8 2.5C20 15.2 12 20 12 20z',
  // A globe.
  polyglot:
    'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm6.9 9h-3a15 15 0 0 0-1.3-5.6A8 8 0 0 1 18.9 11zM12 4c.9 1.2 1.8 3.6 1.9 7h-3.8c.1-3.4 1-5.8 1.9-7zM9.4 5.4A15 15 0 0 0 8.1 11h-3a8 8 0 0 1 4.3-5.6zM5.1 13h3a15 15 0 0 0 1.3 5.6A8 8 0 0 1 5.1 13zm6.9 7c-.9-1.2-1.8-3.6-1.9-7h3.8c-.1 3.4-1 5.8-1.9 7zm2.6-1.4a15 15 0 0 0 1.3-5.6h3a8 8 0 0 1-4.3 5.6z',
};

const TIER_COLORS: Record<AchievementTier, string> = {
  bronze: '#b0703a',
  silver: '#8f9aa6',
  gold: '#d4a017',
};

/** The badge of an achievement: coloured by tier when earned, grey while locked. Decorative. */
export function Badge({ id, tier, size = 40 }: { id: AchievementId; tier: AchievementTier | null; size?: number }) {
  const rim = tier ? TIER_COLORS[tier] : 'currentColor';
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 48 48"
      aria-hidden="true"
      focusable="false"
      className={`points-badge${tier ? '' : ' locked'}`}
      data-badge={id}
    >
      <circle cx="24" cy="24" r="22" fill={rim} opacity={tier ? 1 : 0.25} />
      <circle cx="24" cy="24" r="17" fill="var(--bg, #fff)" />
      <g transform="translate(12 12)">
        <path d={GLYPHS[id]} fill={tier ? rim : 'currentColor'} opacity={tier ? 1 : 0.5} />
      </g>
    </svg>
  );
}
