import type { Media } from '@charla/shared-types';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../../ui/i18n.tsx';
import { nextSpeed, peaks, VoicePlayer } from './voice-player.tsx';
import { RecordingBar } from './voice-recorder.tsx';

const voice: Media = {
  id: 'm1',
  kind: 'audio',
  mime: 'audio/webm',
  size: 9000,
  width: null,
  height: null,
  duration: 12.4,
  fileName: 'voice.webm',
  url: 'http://x.test/api/v1/media/m1?t=a',
  thumbnailUrl: null,
  createdAt: '2026-01-01T00:00:00Z',
};

const wrap = (ui: React.ReactNode, locale: 'en' | 'es' = 'en') => (
  <QueryClientProvider client={new QueryClient()}>
    <I18nProvider locale={locale}>{ui}</I18nProvider>
  </QueryClientProvider>
);

describe('voice notes', () => {
  beforeEach(() => localStorage.clear());

  it('cycles 1× -> 1.5× -> 2× -> 1×', () => {
    expect([nextSpeed(1), nextSpeed(1.5), nextSpeed(2), nextSpeed(7)]).toEqual([1.5, 2, 1, 1]);
  });

  it('computes normalised peaks per bar', () => {
    const samples = new Float32Array([0, 0.1, -0.5, 0.2, 0.05, -0.05, 0.25, 0]);
    const got = peaks(samples, 4);
    for (const [i, v] of [0.2, 1, 0.1, 0.5].entries()) expect(got[i]).toBeCloseTo(v, 5);
  });

  it('shows the server-reported length (recordings have none in their header) and remembers the speed', () => {
    const { unmount } = render(wrap(<VoicePlayer media={voice} url={voice.url} />));
    expect(screen.getByRole('button', { name: 'Play voice message, 0:12' })).toBeInTheDocument();
    expect(screen.getByRole('slider', { name: 'Playback position' })).toHaveAttribute('aria-valuetext', '0:00 of 0:12');
    fireEvent.click(screen.getByRole('button', { name: 'Playback speed 1×' }));
    fireEvent.click(screen.getByRole('button', { name: 'Playback speed 1.5×' }));
    expect(screen.getByRole('button', { name: 'Playback speed 2×' })).toBeInTheDocument();
    unmount();
    render(wrap(<VoicePlayer media={voice} url={voice.url} />, 'es'));
    expect(screen.getByRole('button', { name: 'Velocidad de reproducción 2×' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reproducir mensaje de voz, 0:12' })).toBeInTheDocument();
  });

  it('seeks with the keyboard on the waveform', () => {
    render(wrap(<VoicePlayer media={voice} url={voice.url} />));
    const slider = screen.getByRole('slider', { name: 'Playback position' });
    fireEvent.keyDown(slider, { key: 'ArrowRight' });
    expect(slider).toHaveAttribute('aria-valuenow', '5');
    fireEvent.keyDown(slider, { key: 'End' });
    expect(slider).toHaveAttribute('aria-valuetext', '0:12 of 0:12');
    fireEvent.keyDown(slider, { key: 'Home' });
    expect(slider).toHaveAttribute('aria-valuenow', '0');
  });

  it('recording bar: elapsed time, cancel and send', () => {
    const onCancel = vi.fn();
    const onSend = vi.fn();
    render(wrap(<RecordingBar elapsed={65.2} levels={[0.2, 0.9]} onCancel={onCancel} onSend={onSend} />));
    expect(screen.getByRole('timer', { name: 'Recording' })).toHaveTextContent('1:05');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel recording' }));
    fireEvent.click(screen.getByRole('button', { name: 'Send voice message' }));
    expect(onCancel).toHaveBeenCalledOnce();
    expect(onSend).toHaveBeenCalledOnce();
  });
});
