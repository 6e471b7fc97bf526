import { useCallback, useEffect, useRef, useState } from 'react';
import { formatDuration } from '../../ui/format.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';

/** What the server accepts, best first: Chromium/Firefox record Opus in WebM/Ogg, Safari AAC in MP4. */
const TYPES = [
  { mime: 'audio/webm;codecs=opus', ext: 'webm' },
  { mime: 'audio/ogg;codecs=opus', ext: 'ogg' },
  { mime: 'audio/mp4', ext: 'm4a' },
] as const;
/** Long enough for any voice note; at 32 kbit/s about 7 MB, under the upload limit. */
export const MAX_RECORDING_SECONDS = 30 * 60;
const LEVEL_INTERVAL_MS = 100;
const LIVE_BARS = 40;

export function canRecordVoice(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.mediaDevices?.getUserMedia === 'function' &&
    typeof window.MediaRecorder === 'function'
  );
}

function pickType() {
  return TYPES.find((t) => MediaRecorder.isTypeSupported(t.mime)) ?? null;
}

type Recording = {
  recorder: MediaRecorder;
  stream: MediaStream;
  audio: AudioContext | null;
  chunks: Blob[];
  startedAt: number;
  ext: string;
  mime: string;
  timer: ReturnType<typeof setInterval>;
};

export type RecorderState = 'idle' | 'starting' | 'recording';

/**
 * Microphone -> MediaRecorder, with elapsed time and a live level meter. `finish` resolves the
 * recording as a File; `cancel` throws it away. Either way the microphone is released at once.
 */
export function useVoiceRecorder(onError: (reason: 'denied' | 'failed') => void) {
  const [state, setState] = useState<RecorderState>('idle');
  const [elapsed, setElapsed] = useState(0);
  const [levels, setLevels] = useState<number[]>([]);
  const rec = useRef<Recording | null>(null);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const release = useCallback(() => {
    const r = rec.current;
    rec.current = null;
    if (!r) return;
    clearInterval(r.timer);
    for (const track of r.stream.getTracks()) track.stop();
    void r.audio?.close().catch(() => undefined);
    setState('idle');
    setElapsed(0);
    setLevels([]);
  }, []);

  const stopRecorder = useCallback(async (): Promise<Blob | null> => {
    const r = rec.current;
    if (!r) return null;
    if (r.recorder.state !== 'inactive') {
      await new Promise<void>((resolve) => {
        r.recorder.addEventListener('stop', () => resolve(), { once: true });
        r.recorder.stop();
      });
    }
    return new Blob(r.chunks, { type: r.mime.split(';')[0] });
  }, []);

  const finishRef = useRef<() => Promise<File | null>>(async () => null);

  const start = useCallback(async () => {
    if (rec.current) return;
    const type = pickType();
    if (!type) {
      onErrorRef.current('failed');
      return;
    }
    setState('starting');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (e) {
      setState('idle');
      onErrorRef.current(e instanceof DOMException && e.name === 'NotAllowedError' ? 'denied' : 'failed');
      return;
    }
    const recorder = new MediaRecorder(stream, { mimeType: type.mime, audioBitsPerSecond: 32_000 });
    const chunks: Blob[] = [];
    recorder.addEventListener('dataavailable', (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    });
    // The level meter is a nicety: without Web Audio the recording still works.
    let audio: AudioContext | null = null;
    let analyser: AnalyserNode | null = null;
    try {
      audio = new AudioContext();
      analyser = audio.createAnalyser();
      analyser.fftSize = 512;
      audio.createMediaStreamSource(stream).connect(analyser);
    } catch {
      audio = null;
      analyser = null;
    }
    const samples = new Uint8Array(analyser?.fftSize ?? 0);
    const startedAt = performance.now();
    const timer = setInterval(() => {
      const seconds = (performance.now() - startedAt) / 1000;
      setElapsed(seconds);
      if (analyser) {
        analyser.getByteTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += ((s - 128) / 128) ** 2;
        const rms = Math.sqrt(sum / samples.length);
        setLevels((l) => [...l.slice(-(LIVE_BARS - 1)), Math.min(1, rms * 4)]);
      }
      if (seconds >= MAX_RECORDING_SECONDS) void finishRef.current();
    }, LEVEL_INTERVAL_MS);
    rec.current = { recorder, stream, audio, chunks, startedAt, ext: type.ext, mime: type.mime, timer };
    recorder.start(1000);
    setState('recording');
  }, []);

  const finish = useCallback(async (): Promise<File | null> => {
    const r = rec.current;
    if (!r) return null;
    const blob = await stopRecorder();
    release();
    if (!blob || blob.size === 0) return null;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
    return new File([blob], `voice-${stamp}.${r.ext}`, { type: blob.type });
  }, [stopRecorder, release]);
  finishRef.current = finish;

  const cancel = useCallback(() => {
    const r = rec.current;
    if (r && r.recorder.state !== 'inactive') r.recorder.stop();
    release();
  }, [release]);

  // Leaving the chat mid-recording drops it and frees the microphone.
  useEffect(() => () => cancel(), [cancel]);

  return { state, elapsed, levels, start, finish, cancel };
}

/** Replaces the composer row while recording: cancel, elapsed time, live levels, send. */
export function RecordingBar({
  elapsed,
  levels,
  onCancel,
  onSend,
}: {
  elapsed: number;
  levels: number[];
  onCancel: () => void;
  onSend: () => void;
}) {
  const { t } = useI18n();
  const bars = [...Array(Math.max(0, LIVE_BARS - levels.length)).fill(0), ...levels] as number[];
  return (
    <div className="recording-bar">
      <button type="button" className="icon-button" aria-label={t('voice.cancel')} onClick={onCancel}>
        <Icon name="trash" />
      </button>
      <span className="recording-dot" aria-hidden="true" />
      <span className="recording-time" role="timer" aria-label={t('voice.recording')}>
        {formatDuration(elapsed)}
      </span>
      <span className="recording-levels" aria-hidden="true">
        {bars.map((v, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed row of bars
          <span key={i} style={{ height: `${Math.max(8, v * 100)}%` }} />
        ))}
      </span>
      <button type="button" className="button primary" aria-label={t('voice.send')} onClick={onSend}>
        <Icon name="send" />
      </button>
    </div>
  );
}
