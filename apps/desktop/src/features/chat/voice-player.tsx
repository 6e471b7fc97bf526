import type { Media } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, type MouseEvent, useEffect, useRef, useState } from 'react';
import { formatDuration } from '../../ui/format.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';

export const SPEEDS = [1, 1.5, 2] as const;
const RATE_KEY = 'charla.voice.rate';
const BARS = 40;

/** The next speed in 1× -> 1.5× -> 2× -> 1×. */
export function nextSpeed(rate: number): number {
  const at = (SPEEDS as readonly number[]).indexOf(rate);
  return SPEEDS[(at + 1) % SPEEDS.length] as number;
}

function savedRate(): number {
  const v = Number(localStorage.getItem(RATE_KEY));
  return (SPEEDS as readonly number[]).includes(v) ? v : 1;
}

/** `bars` peaks (0..1) of decoded audio: the loudest sample of each slice, scaled to the loudest slice. */
export function peaks(channel: Float32Array, bars: number): number[] {
  const out: number[] = [];
  const slice = Math.max(1, Math.floor(channel.length / bars));
  for (let b = 0; b < bars; b++) {
    let max = 0;
    const end = Math.min(channel.length, (b + 1) * slice);
    for (let i = b * slice; i < end; i++) max = Math.max(max, Math.abs(channel[i] as number));
    out.push(max);
  }
  const top = Math.max(...out, 1e-6);
  return out.map((v) => v / top);
}

/** Decodes the file once per media id (voice notes are small) to draw its waveform; flat when it cannot. */
function useWaveform(media: Media, url: string) {
  return useQuery({
    queryKey: ['waveform', media.id],
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    queryFn: async () => {
      if (typeof OfflineAudioContext !== 'function' || media.size > 8 * 1024 * 1024) return null;
      const bytes = await (await fetch(url)).arrayBuffer();
      const ctx = new OfflineAudioContext(1, 1, 8000);
      const decoded = await ctx.decodeAudioData(bytes);
      return peaks(decoded.getChannelData(0), BARS);
    },
  });
}

/** Only one voice note plays at a time. */
let playing: HTMLAudioElement | null = null;

/** Voice note / audio player: play, seekable waveform, elapsed and total time, 1×/1.5×/2×. */
export function VoicePlayer({ media, url }: { media: Media; url: string }) {
  const { t } = useI18n();
  const audio = useRef<HTMLAudioElement>(null);
  const [isPlaying, setPlaying] = useState(false);
  const [current, setCurrent] = useState(0);
  const [rate, setRate] = useState(savedRate);
  // Recordings from MediaRecorder have no duration in their header (<audio> says Infinity): trust the server's.
  const [total, setTotal] = useState(media.duration ?? 0);
  const wave = useWaveform(media, url).data;
  const bars = wave ?? Array<number>(BARS).fill(0.3);
  const progress = total > 0 ? Math.min(1, current / total) : 0;

  useEffect(() => {
    if (audio.current) audio.current.playbackRate = rate;
  }, [rate]);
  useEffect(
    () => () => {
      if (playing === audio.current) playing = null;
    },
    [],
  );

  const toggle = () => {
    const a = audio.current;
    if (!a) return;
    if (!a.paused) {
      a.pause();
      return;
    }
    if (playing && playing !== a) playing.pause();
    playing = a;
    a.playbackRate = rate;
    void a.play().catch(() => setPlaying(false));
  };
  const seek = (seconds: number) => {
    const a = audio.current;
    if (!a || total <= 0) return;
    const to = Math.max(0, Math.min(total, seconds));
    a.currentTime = to;
    setCurrent(to);
  };
  const onWaveClick = (e: MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    seek(((e.clientX - box.left) / box.width) * total);
  };
  const onWaveKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowRight: 5, ArrowUp: 5, ArrowLeft: -5, ArrowDown: -5 }[e.key];
    if (step !== undefined) seek(current + step);
    else if (e.key === 'Home') seek(0);
    else if (e.key === 'End') seek(total);
    else return;
    e.preventDefault();
  };
  const changeRate = () => {
    const next = nextSpeed(rate);
    setRate(next);
    localStorage.setItem(RATE_KEY, String(next));
  };

  return (
    <div className={`voice-player${isPlaying ? ' playing' : ''}`}>
      <button
        type="button"
        className="voice-play"
        aria-label={isPlaying ? t('voice.pause') : t('voice.play', { duration: formatDuration(total) })}
        onClick={toggle}
      >
        <Icon name={isPlaying ? 'pause' : 'play'} />
      </button>
      <div
        className="voice-wave"
        role="slider"
        tabIndex={0}
        aria-label={t('voice.position')}
        aria-valuemin={0}
        aria-valuemax={Math.round(total)}
        aria-valuenow={Math.round(current)}
        aria-valuetext={t('voice.positionOf', { at: formatDuration(current), total: formatDuration(total) })}
        onClick={onWaveClick}
        onKeyDown={onWaveKey}
      >
        {bars.map((v, i) => (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed row of bars
            key={i}
            className={i / bars.length < progress ? 'played' : undefined}
            style={{ height: `${Math.max(12, v * 100)}%` }}
          />
        ))}
      </div>
      <span className="voice-time">{formatDuration(isPlaying || current > 0 ? current : total)}</span>
      <button
        type="button"
        className="voice-speed"
        aria-label={t('voice.speed', { rate: `${rate}×` })}
        onClick={changeRate}
      >
        {rate}×
      </button>
      {/* biome-ignore lint/a11y/useMediaCaption: voice notes have no caption track */}
      <audio
        ref={audio}
        src={url}
        preload="metadata"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => {
          setPlaying(false);
          setCurrent(0);
        }}
        onTimeUpdate={(e) => setCurrent(e.currentTarget.currentTime)}
        onDurationChange={(e) => {
          const d = e.currentTarget.duration;
          if (Number.isFinite(d) && d > 0 && !media.duration) setTotal(d);
        }}
      />
    </div>
  );
}
