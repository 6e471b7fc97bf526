/**
 * How long one request held the server's event loop, measured in-process (the test harness runs
 * the app in the test's own thread). Wall-clock round trips are useless on a loaded 2-core machine,
 * and so is the loop-delay histogram alone (a descheduled process looks blocked), so a request
 * counts as blocking only by the smaller of two figures:
 * - `delayMs`: the longest event-loop delay seen while it ran (perf_hooks.monitorEventLoopDelay),
 *   i.e. the longest stretch without a turn of the loop;
 * - `cpuMs`: CPU time this thread spent meanwhile (process.threadCpuUsage), which descheduling
 *   does not inflate.
 * A synchronous regex or loop that runs for 100 ms raises both; load raises only the first.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export const EVENT_LOOP_BUDGET_MS = 100;

export type LoopCost = { delayMs: number; cpuMs: number; blockedMs: number };

export type LoopMeter = {
  measure<T>(run: () => Promise<T>): Promise<{ value: T; cost: LoopCost }>;
  /** The largest `blockedMs` seen so far, with what caused it. */
  worst(): { blockedMs: number; label: string };
  note(cost: LoopCost, label: string): void;
  stop(): void;
};

export function createLoopMeter(resolutionMs = 10): LoopMeter {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let worst = { blockedMs: 0, label: '' };
  return {
    async measure(run) {
      histogram.reset();
      const cpuBefore = process.threadCpuUsage();
      const value = await run();
      // One timer turn, so a block that ended just now has been sampled.
      await new Promise((resolve) => setTimeout(resolve, 1));
      const cpu = process.threadCpuUsage(cpuBefore);
      // The histogram reports how late its timer fired beyond the resolution, in nanoseconds.
      const delayMs = histogram.count > 0 ? histogram.max / 1e6 : 0;
      const cpuMs = (cpu.user + cpu.system) / 1000;
      return { value, cost: { delayMs, cpuMs, blockedMs: Math.min(delayMs, cpuMs) } };
    },
    worst: () => worst,
    note(cost, label) {
      if (cost.blockedMs > worst.blockedMs) worst = { blockedMs: cost.blockedMs, label };
    },
    stop: () => histogram.disable(),
  };
}
