import { type EmojiPickerListComponents, EmojiPicker as Picker, type SkinTone } from 'frimousse';
import { createElement, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../ui/i18n.tsx';
import { resolveEmojiData } from './emoji-data.ts';
import { recentEmoji, rememberEmoji } from './emoji-recent.ts';

const TONE_KEY = 'charla.emoji.tone';
const TONES: SkinTone[] = ['none', 'light', 'medium-light', 'medium', 'medium-dark', 'dark'];

const LIST_PARTS: Partial<EmojiPickerListComponents> = {
  CategoryHeader: ({ category, ...props }) => (
    <div className="emoji-category" {...props}>
      {category.label}
    </div>
  ),
  // frimousse numbers rows and columns from 0; ARIA's aria-rowindex/aria-colindex start at 1. Its own
  // grid/row/gridcell roles come in `props` (createElement keeps them as given).
  Row: ({ children, ...props }) =>
    createElement('div', { ...props, 'aria-rowindex': oneBased(props['aria-rowindex']) }, children),
  Emoji: ({ emoji, ...props }) =>
    createElement(
      'button',
      { type: 'button', className: 'emoji-btn', ...props, 'aria-colindex': oneBased(props['aria-colindex']) },
      emoji.emoji,
    ),
};

function oneBased(index: number | undefined): number | undefined {
  return typeof index === 'number' && index >= 0 ? index + 1 : undefined;
}

function savedTone(): SkinTone {
  const v = localStorage.getItem(TONE_KEY) as SkinTone | null;
  return v && TONES.includes(v) ? v : 'none';
}

/**
 * The full emoji picker (frimousse, data from emojibase in the user's language): search, categories,
 * skin tones, and the emoji used most recently first. Loaded lazily — it is only code when opened.
 */
export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const { t, locale } = useI18n();
  const [tone, setTone] = useState<SkinTone>(savedTone);
  const [recent] = useState(recentEmoji);
  const root = useRef<HTMLDivElement>(null);
  const pick = (emoji: string) => {
    rememberEmoji(emoji);
    onPick(emoji);
  };
  useEffect(() => {
    root.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, []);
  useEffect(() => {
    localStorage.setItem(TONE_KEY, tone);
  }, [tone]);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Esc anywhere inside the picker closes it
    <div
      className="emoji-panel"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <Picker.Root
        className="emoji-root"
        locale={locale}
        columns={8}
        skinTone={tone}
        resolveEmojiData={resolveEmojiData}
        onEmojiSelect={({ emoji }) => pick(emoji)}
      >
        <div className="emoji-top">
          <Picker.Search
            className="input emoji-search"
            placeholder={t('emoji.search')}
            aria-label={t('emoji.search')}
          />
          <Picker.SkinToneSelector
            className="icon-button emoji-tone"
            aria-label={t('emoji.skinTone')}
            onClick={() =>
              // frimousse cycles the tone itself; follow it from the latest state (clicks can come faster than renders).
              setTone((current) => TONES[(TONES.indexOf(current) + 1) % TONES.length] as SkinTone)
            }
          />
        </div>
        {recent.length > 0 && (
          <fieldset className="emoji-recent" aria-label={t('emoji.recent')}>
            {recent.map((e) => (
              <button key={e} type="button" className="emoji-btn" aria-label={e} onClick={() => pick(e)}>
                {e}
              </button>
            ))}
          </fieldset>
        )}
        <Picker.Viewport className="emoji-viewport">
          <Picker.Loading className="emoji-status">{t('common.loading')}</Picker.Loading>
          <Picker.Empty className="emoji-status">{t('emoji.none')}</Picker.Empty>
          <Picker.List className="emoji-list" aria-label={t('emoji.all')} components={LIST_PARTS} />
        </Picker.Viewport>
      </Picker.Root>
    </div>
  );
}
