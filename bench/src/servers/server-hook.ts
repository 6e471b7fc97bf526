/**
 * Preloaded into every server process the bench starts (`node --import server-hook.ts ...`): a
 * bench-only window into the server's event loop, answered over IPC, so the real server code runs
 * unchanged. `perf_hooks.monitorEventLoopDelay` samples the loop every 1 ms.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 1;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();
// The histogram records whole timer intervals; the delay is what exceeds the sampling interval.
const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);

// Started by the bench over IPC: if the bench goes away, so does this server.
process.on('disconnect', () => process.exit(0));

process.on('message', (msg: { id?: number; t?: string }) => {
  if (msg?.t === 'eld-reset') {
    histogram.reset();
    process.send?.({ t: 'ok', id: msg.id });
  } else if (msg?.t === 'eld') {
    process.send?.({
      t: 'eld',
      id: msg.id,
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      mean: ms(histogram.mean),
      heapMb: Math.round(process.memoryUsage().heapUsed / 1e5) / 10,
    });
  } else if (msg?.t === 'gc') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ t: 'ok', id: msg.id });
  }
});
