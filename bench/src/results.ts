import type { Machine } from './lib/machine.ts';
import type { AuthResult } from './sections/auth.ts';
import type { ClientResult } from './sections/client.ts';
import type { TargetResult } from './sections/fanout.ts';
import type { HistoryResult } from './sections/history.ts';
import type { IdleResult } from './sections/idle.ts';
import type { PointsBenchResult } from './sections/points.ts';
import type { ScaleOutResult } from './sections/scaleout.ts';
import type { SpacesBenchResult } from './sections/spaces.ts';
import type { TranslationResult } from './sections/translation.ts';

export type Skipped = { skipped: string };

export type BenchOptions = {
  quick: boolean;
  sockets: number;
  groupSize: number;
  rates: number[];
  windowMs: number;
  warmupMs: number;
  repeats: number;
  idle: number;
  messages: number;
  conversations: number;
  /** Members of the leaderboard channel (points section). */
  members: number;
  iterations: number;
  only: string[];
  skipBuild: boolean;
};

export type Budget = {
  id: string;
  budget: string;
  measured: string;
  status: 'PASS' | 'MISS' | 'NOT MEASURED';
  note?: string;
};

export type BenchResults = {
  startedAt: string;
  durationSeconds: number;
  machine: Machine;
  options: BenchOptions;
  sections: {
    fanout?: { targets: TargetResult[]; groupSize: number } | Skipped;
    idle?: IdleResult | Skipped;
    history?: HistoryResult[] | Skipped;
    auth?: AuthResult | Skipped;
    scaleOut?: ScaleOutResult | Skipped;
    client?: ClientResult | Skipped;
    translation?: TranslationResult | Skipped;
    points?: PointsBenchResult | Skipped;
    spaces?: SpacesBenchResult | Skipped;
  };
  sectionSeconds: Record<string, number>;
  budgets: Budget[];
  limits: string[];
};

export const isSkipped = (v: unknown): v is Skipped =>
  typeof v === 'object' && v !== null && typeof (v as Skipped).skipped === 'string';
