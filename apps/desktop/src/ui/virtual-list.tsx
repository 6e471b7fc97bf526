import {
  type ReactNode,
  type Ref,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
} from 'react';

/** Prefix sums: offsets[i] is the top of row i, offsets[n] the total height. */
export function computeOffsets(heights: number[]): number[] {
  const offsets = new Array<number>(heights.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = (offsets[i] ?? 0) + (heights[i] ?? 0);
  return offsets;
}

/** First row whose bottom is below `y` (binary search). */
export function rowAt(offsets: number[], y: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((offsets[mid + 1] ?? 0) <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rows to mount: those intersecting the viewport plus `overscan` pixels each side. */
export function visibleRange(offsets: number[], scrollTop: number, viewport: number, overscan: number) {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0 };
  const start = rowAt(offsets, Math.max(0, scrollTop - overscan));
  const end = Math.min(n, rowAt(offsets, scrollTop + viewport + overscan) + 1);
  return { start, end };
}

export type Anchor = { key: string; delta: number } | null;

/** Where to scroll so the anchor row keeps its on-screen position after rows above it changed. */
export function anchoredScrollTop(keys: string[], offsets: number[], anchor: Anchor): number | null {
  if (!anchor) return null;
  const i = keys.indexOf(anchor.key);
  if (i < 0) return null;
  return (offsets[i] ?? 0) + anchor.delta;
}

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
  overscan?: number;
  className?: string;
  label: string;
  handle?: Ref<VirtualListHandle>;
};

const BOTTOM_SLACK = 40;
const isAtEnd = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;

/**
 * A bottom-anchored virtual list for chat history: only rows near the viewport are mounted, row
 * heights are measured as they render, and the first visible row keeps its position when older rows
 * are prepended or rows above change height.
 */
export function VirtualList<T>(props: Props<T>) {
  const { items, getKey, estimate, render, overscan = 600 } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [measureVersion, remeasured] = useReducer((x: number) => x + 1, 0);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(800);
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
  // biome-ignore lint/correctness/useExhaustiveDependencies: measureVersion invalidates the measured heights
  const offsets = useMemo(
    () => computeOffsets(items.map((it, i) => heights.current.get(keys[i] ?? '') ?? estimate(it))),
    [items, keys, estimate, measureVersion],
  );
  const offsetsRef = useRef(offsets);
  offsetsRef.current = offsets;
  const total = offsets[offsets.length - 1] ?? 0;
  const { start, end } = visibleRange(offsets, scrollTop, viewport, overscan);

  const observer = useMemo(
    () =>
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            let changed = false;
            for (const e of entries) {
              const key = (e.target as HTMLElement).dataset.vkey;
              const h = Math.round(e.borderBoxSize?.[0]?.blockSize ?? (e.target as HTMLElement).offsetHeight);
              if (key && h > 0 && heights.current.get(key) !== h) {
                heights.current.set(key, h);
                changed = true;
              }
            }
            if (changed) remeasured();
          }),
    [],
  );
  useEffect(() => () => observer?.disconnect(), [observer]);
  const measure = useCallback(
    (el: HTMLDivElement | null) => {
      if (!el || !observer) return;
      observer.observe(el);
      return () => observer.unobserve(el);
    },
    [observer],
  );

  const recordAnchor = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const off = offsetsRef.current;
    let i = rowAt(off, el.scrollTop);
    while (i < items.length - 1 && props.isAnchor && !props.isAnchor(items[i] as T)) i++;
    const key = keys[i];
    anchor.current = key ? { key, delta: el.scrollTop - (off[i] ?? 0) } : null;
  }, [keys, items, props.isAnchor]);

  const lastViewport = useRef('');
  const reportViewport = (el: HTMLElement) => {
    if (!props.onViewportChange || items.length === 0) return;
    const off = offsetsRef.current;
    const first = rowAt(off, el.scrollTop);
    const last = rowAt(off, Math.max(el.scrollTop, el.scrollTop + el.clientHeight - 1));
    const sig = `${first}:${last}`;
    if (sig === lastViewport.current) return;
    lastViewport.current = sig;
    props.onViewportChange(first, last);
  };

  const pinToBottom = useCallback((el: HTMLElement) => {
    el.scrollTop = el.scrollHeight;
    pinnedTop.current = el.scrollTop;
  }, []);

  // After every change of rows or heights: stay at the bottom, or keep the anchor row in place.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when layout inputs change
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (!initialDone.current && items.length > 0) {
      initialDone.current = true;
      const i = props.initialKey ? keys.indexOf(props.initialKey) : -1;
      if (i >= 0) {
        el.scrollTop = Math.max(0, (offsets[i] ?? 0) - el.clientHeight / 3);
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
      const target = anchoredScrollTop(keys, offsets, anchor.current);
      if (target !== null && Math.abs(el.scrollTop - target) > 1) el.scrollTop = target;
      // Rows shrank or the window grew until the end is on screen: from now on, follow it.
      if (isAtEnd(el)) {
        pinToBottom(el);
        setStick(true);
      }
    }
    setScrollTop(el.scrollTop);
    reportViewport(el);
    if (el.clientHeight > 0 && el.clientHeight !== viewport) setViewport(el.clientHeight);
  }, [offsets]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
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
        el.scrollTop = Math.max(0, (offsetsRef.current[i] ?? 0) - el.clientHeight / 3);
        setStick(isAtEnd(el));
        recordAnchor();
        setScrollTop(el.scrollTop);
      },
      scrollToBottom: () => {
        const el = scroller.current;
        if (!el) return;
        pinToBottom(el);
        setStick(true);
        setScrollTop(el.scrollTop);
      },
      atBottom: () => stickToBottom.current,
    }),
    [keys, recordAnchor, setStick, pinToBottom],
  );

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
      <div style={{ height: offsets[start] ?? 0 }} aria-hidden="true" />
      {items.slice(start, end).map((item, j) => {
        const key = keys[start + j] ?? '';
        return (
          <div key={key} data-vkey={key} ref={measure}>
            {render(item)}
          </div>
        );
      })}
      <div style={{ height: total - (offsets[end] ?? total) }} aria-hidden="true" />
    </div>
  );
}
