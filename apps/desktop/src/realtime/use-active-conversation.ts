import { useCallback, useRef, useState } from 'react';
import { useApp } from '../app-context.tsx';

/**
 * The conversation on screen: unread counts and notifications depend on it. `current()` is for
 * event handlers (no re-render), `activeId` for rendering.
 */
export function useActiveConversation() {
  const { platform } = useApp();
  const ref = useRef<string | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const current = useCallback(() => ref.current, []);
  const setActive = useCallback(
    (id: string | null) => {
      ref.current = id;
      setActiveId(id);
      // The host's notification policy needs the conversation on screen (electron: main process).
      platform.focusConversation(id);
    },
    [platform],
  );
  return { activeId, current, setActive };
}
