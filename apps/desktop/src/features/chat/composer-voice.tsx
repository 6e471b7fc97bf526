import { useCallback, useState } from 'react';
import { uploadMedia } from '../../api/upload.ts';
import { useApp } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { uploadErrorKey } from './composer-attachments.tsx';
import { useVoiceRecorder } from './voice-recorder.tsx';

/** Record -> upload -> send as one message, for the composer; `progress` is set while uploading. */
export function useVoiceNote(conversationId: string, replyToId: string | undefined, onSent: () => void) {
  const { t } = useI18n();
  const { api } = useApp();
  const toasts = useToasts();
  const { send } = useRealtime();
  const [progress, setProgress] = useState<number | null>(null);
  const recorder = useVoiceRecorder((reason) =>
    toasts.show({ kind: 'error', text: t(reason === 'denied' ? 'voice.denied' : 'voice.failed') }),
  );
  const { finish } = recorder;
  const sendRecording = useCallback(async () => {
    const file = await finish();
    if (!file) return;
    setProgress(0);
    try {
      const media = await uploadMedia(api, file, setProgress).promise;
      onSent();
      await send(conversationId, {
        text: '',
        mentions: [],
        attachments: [media.id],
        ...(replyToId ? { replyToId } : {}),
      });
    } catch (e) {
      toasts.show({ kind: 'error', text: t(uploadErrorKey(e)) });
    } finally {
      setProgress(null);
    }
  }, [finish, api, send, conversationId, replyToId, onSent, toasts, t]);
  return { recorder, progress, sendRecording };
}
