import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, type Ref, useCallback, useImperativeHandle, useLayoutEffect, useMemo, useRef } from 'react';

export type VirtualListHandle = {
  scrollToKey: (key: string) => void;
  scrollToBottom: () => void;
  atBottom: () => boolean;
};

type Props<T> = {
  items: T[];
  getKey: (item: T) => string;
  estimate: (item: T) => number;
  render: (item: T) => ReactNode;
  onReachTop?: () => void;
  /** Rows that may anchor the scroll position (separators that move when rows are prepended may not). */
  isAnchor?: (item: T) => boolean;
  onAtBottomChange?: (atBottom: boolean) => void;
  /** Rows intersecting the viewport changed (indices into `items`, first and last inclusive). */
  onViewportChange?: (first: number, last: number) => void;
  /** Start at this row instead of the bottom. */
  initialKey?: string;
  /** Pixels rendered beyond each edge of the viewport. */
  overscan?: number;
  className?: string;
  label: string;
  handle?: Ref<VirtualListHandle>;
};

type Anchor = { key: string; delta: number } | null;

const BOTTOM_SLACK = 40;
const isAtEnd = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;

/**
 * A bottom-anchored virtual list for chat history. Windowing, row measurement and offsets come from
 * @tanstack/react-virtual; what is chat-specific stays here: start at the bottom (or at a row),
 * follow new rows while at the bottom, and keep the first visible *message* in place when older rows
 * are prepended (the library anchors on whatever row is at the top, and a day separator moves).
 */
export function VirtualList<T>(props: Props<T>) {
  const { items, getKey, estimate, render, overscan = 600 } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const anchor = useRef<Anchor>(null);
  const stickToBottom = useRef(!props.initialKey);
  // Where we last put scrollTop while following the bottom: content growing below it (an image
  // loading) fires no user intent, so only a scroll above this mark leaves the bottom.
  const pinnedTop = useRef(0);
  const initialDone = useRef(false);
  const onAtBottomChange = useRef(props.onAtBottomChange);
  onAtBottomChange.current = props.onAtBottomChange;
  const setStick = useCallback((v: boolean) => {
    if (stickToBottom.current === v) return;
    stickToBottom.current = v;
    onAtBottomChange.current?.(v);
  }, []);

  const keys = useMemo(() => items.map(getKey), [items, getKey]);
  // The library counts overscan in rows, ours in pixels: convert with the average row height so far.
  const averageRow = useRef(48);
  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => estimate(items[i] as T),
    getItemKey: (i) => keys[i] ?? i,
    overscan: Math.max(2, Math.ceil(overscan / averageRow.current)),
    initialRect: { width: 0, height: 800 },
  });
  const vRef = useRef(v);
  vRef.current = v;

  const indexAt = useCallback((y: number) => vRef.current.getVirtualItemForOffset(y)?.index ?? 0, []);
  const startOf = useCallback((i: number) => vRef.current.measurementsCache[i]?.start ?? 0, []);

  const recordAnchor = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    let i = indexAt(el.scrollTop);
    while (i < items.length - 1 && props.isAnchor && !props.isAnchor(items[i] as T)) i++;
    const key = keys[i];
    anchor.current = key ? { key, delta: el.scrollTop - startOf(i) } : null;
  }, [keys, items, props.isAnchor, indexAt, startOf]);

  const lastViewport = useRef('');
  const reportViewport = (el: HTMLElement) => {
    if (!props.onViewportChange || items.length === 0) return;
    const first = indexAt(el.scrollTop);
    const last = indexAt(Math.max(el.scrollTop, el.scrollTop + el.clientHeight - 1));
    const sig = `${first}:${last}`;
    if (sig === lastViewport.current) return;
    lastViewport.current = sig;
    props.onViewportChange(first, last);
  };

  const pinToBottom = useCallback((el: HTMLElement) => {
    el.scrollTop = el.scrollHeight;
    pinnedTop.current = el.scrollTop;
  }, []);

  const total = v.getTotalSize();
  if (items.length > 0) averageRow.current = Math.max(24, total / items.length);
  // After every change of rows or heights: stay at the bottom, or keep the anchor row in place.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when layout inputs change
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (!initialDone.current && items.length > 0) {
      initialDone.current = true;
      const i = props.initialKey ? keys.indexOf(props.initialKey) : -1;
      if (i >= 0) {
        el.scrollTop = Math.max(0, startOf(i) - el.clientHeight / 3);
        recordAnchor();
        // Opened at a row, but everything below it fits: that is the bottom, so follow new rows.
        const atEnd = isAtEnd(el);
        if (atEnd) pinToBottom(el);
        stickToBottom.current = atEnd;
        onAtBottomChange.current?.(atEnd);
      } else pinToBottom(el);
    } else if (stickToBottom.current) {
      pinToBottom(el);
    } else {
      const i = anchor.current ? keys.indexOf(anchor.current.key) : -1;
      const target = i >= 0 && anchor.current ? startOf(i) + anchor.current.delta : null;
      if (target !== null && Math.abs(el.scrollTop - target) > 1) el.scrollTop = target;
      // Rows shrank or the window grew until the end is on screen: from now on, follow it.
      if (isAtEnd(el)) {
        pinToBottom(el);
        setStick(true);
      }
    }
    reportViewport(el);
  }, [keys, total]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    recordAnchor();
    if (isAtEnd(el)) {
      pinnedTop.current = el.scrollTop;
      setStick(true);
    } else if (stickToBottom.current && el.scrollTop >= pinnedTop.current - 1) {
      // Not the user moving up: rows below grew (images, reactions). Stay at the bottom.
      pinToBottom(el);
    } else setStick(false);
    reportViewport(el);
    if (el.scrollTop < 400) props.onReachTop?.();
  };

  useImperativeHandle(
    props.handle,
    () => ({
      scrollToKey: (key) => {
        const el = scroller.current;
        const i = keys.indexOf(key);
        if (!el || i < 0) return;
        el.scrollTop = Math.max(0, startOf(i) - el.clientHeight / 3);
        setStick(isAtEnd(el));
        recordAnchor();
      },
      scrollToBottom: () => {
        const el = scroller.current;
        if (!el) return;
        pinToBottom(el);
        setStick(true);
      },
      atBottom: () => stickToBottom.current,
    }),
    [keys, recordAnchor, setStick, pinToBottom, startOf],
  );

  const rows = v.getVirtualItems();
  const top = rows[0]?.start ?? 0;
  const bottom = total - (rows.at(-1)?.end ?? total);
  return (
    <div
      ref={scroller}
      className={props.className}
      onScroll={onScroll}
      role="log"
      aria-label={props.label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it
      tabIndex={0}
    >
      <div style={{ height: top }} aria-hidden="true" />
      {rows.map((row) => {
        const key = keys[row.index] ?? '';
        return (
          <div key={key} data-vkey={key} data-index={row.index} ref={v.measureElement}>
            {render(items[row.index] as T)}
          </div>
        );
      })}
      <div style={{ height: Math.max(0, bottom) }} aria-hidden="true" />
    </div>
  );
}
