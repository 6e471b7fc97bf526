import { z } from 'zod';
import type { BenchOptions } from './results.ts';

export const SECTIONS = [
  'fanout',
  'idle',
  'history',
  'auth',
  'scaleout',
  'client',
  'translation',
  'points',
  'spaces',
] as const;
const count = z.coerce.number().int().positive();

const argsSchema = z
  .object({
    quick: z.boolean().default(false),
    sockets: count.optional(),
    idle: count.optional(),
    messages: count.optional(),
    conversations: count.optional(),
    members: count.optional(),
    rates: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'comma-separated msgs/s, e.g. 100,500,1000')
      .transform((s) => s.split(',').map(Number))
      .optional(),
    repeats: count.optional(),
    window: count.optional(),
    only: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(z.enum(SECTIONS)))
      .optional(),
    'skip-build': z.boolean().default(false),
    out: z.string().optional(),
    help: z.boolean().default(false),
  })
  .strict();

export const USAGE = `pnpm bench [flags]
  --quick              smoke run (~1 min): 200 sockets, 2 rates, 1 window per step, small history
  --sockets N          fan-out sockets (default 1000, in groups of 10)
  --rates a,b,c        fan-out steps in msgs/s (default 100,250,500,1000,2000,3000)
  --repeats N          measured windows per step; figures are their medians (default 5)
  --window MS          length of one measured window (default 1000)
  --idle N             idle authenticated sockets (default 5000; e.g. --idle 10000)
  --messages N         messages in the history conversation (default 250000; --messages 1000000 for the budget size)
  --conversations N    conversations in the list (default 10000)
  --members N          members of the leaderboard channel (default 10000)
  --only a,b           sections: ${SECTIONS.join(',')}
  --skip-build         client section: reuse bench/results/tmp/web-dist instead of building
  --out DIR            results directory (default bench/results)`;

export function parseArgs(argv: string[]): z.infer<typeof argsSchema> {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n\n${USAGE}`);
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) raw[key] = inline;
    else if (['quick', 'skip-build', 'help'].includes(key)) raw[key] = true;
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`--${key} needs a value\n\n${USAGE}`);
      raw[key] = v;
    }
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n\n${USAGE}`);
  return parsed.data;
}

export function optionsFrom(a: z.infer<typeof argsSchema>): BenchOptions {
  const q = a.quick;
  return {
    quick: q,
    sockets: a.sockets ?? (q ? 200 : 1000),
    groupSize: 10,
    rates: a.rates ?? (q ? [100, 500] : [100, 250, 500, 1000, 2000, 3000]),
    windowMs: a.window ?? 1000,
    warmupMs: q ? 300 : 500,
    repeats: a.repeats ?? (q ? 1 : 5),
    idle: a.idle ?? (q ? 500 : 5000),
    messages: a.messages ?? (q ? 20_000 : 250_000),
    conversations: a.conversations ?? (q ? 1000 : 10_000),
    members: a.members ?? (q ? 2000 : 10_000),
    iterations: q ? 50 : 200,
    only: a.only ?? [...SECTIONS],
    skipBuild: a['skip-build'],
  };
}
