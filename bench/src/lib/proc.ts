import fs from 'node:fs';

/**
 * Server CPU and memory read from /proc, so each server process is measured alone (the load
 * generators run in other processes). CPU ticks are USER_HZ (100 on Linux).
 */
const TICKS_PER_SECOND = 100;

export type ProcSample = {
  at: number;
  cpuTicks: number;
  rssKb: number;
  hwmKb: number;
  /** Main thread's time spent runnable but waiting for a CPU (schedstat), ns; -1 when unavailable. */
  runWaitNs: number;
};

export function sampleProc(pid: number): ProcSample {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  let runWaitNs = -1;
  try {
    runWaitNs = Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1] ?? -1);
  } catch {
    // no schedstat on this kernel
  }
  return { at: performance.now(), cpuTicks: utime + stime, rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), runWaitNs };
}

/**
 * Share of wall time the server's main thread was ready to run but had no CPU (other processes had
 * it): the part of a latency figure that is the machine, not the code. -1 when unavailable.
 */
export function runWaitPercent(a: ProcSample, b: ProcSample): number {
  if (a.runWaitNs < 0 || b.runWaitNs < 0 || b.at <= a.at) return -1;
  return Math.round(((b.runWaitNs - a.runWaitNs) / 1e6 / (b.at - a.at)) * 1000) / 10;
}

/** CPU use between two samples in percent of one core (200% = both cores busy). */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  const seconds = (b.at - a.at) / 1000;
  if (seconds <= 0) return 0;
  return Math.round(((b.cpuTicks - a.cpuTicks) / TICKS_PER_SECOND / seconds) * 1000) / 10;
}

export const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
