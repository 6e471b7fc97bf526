import type { DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';

type Log = Record<string, unknown> & {
  level?: number;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; stack?: string };
};

/**
 * Development log lines: time, level and one short sentence ("GET /api/v1/conversations 200 4 ms"),
 * never request headers; a real error keeps its stack on the lines below. Production stays JSON.
 */
export function formatLine(log: Log, messageKey: string): string {
  const msg = String(log[messageKey] ?? '');
  if (log.req && log.res) {
    const line = `${log.req.method ?? ''} ${log.req.url ?? ''} ${log.res.statusCode ?? ''} ${log.responseTime ?? 0} ms`;
    return msg === 'request aborted' ? `${line} (client went away)` : line;
  }
  // Mail written to the outbox: the link is what the developer wants to click.
  if (typeof log.link === 'string' && typeof log.to === 'string') return `${msg}: ${log.to} ${log.link}`;
  if (Array.isArray(log.applied)) return `${msg}: ${log.applied.length} (${String(log.applied.at(-1))} last)`;
  if (log.err && (log.level ?? 0) >= 50) return `${msg}: ${log.err.message ?? ''}\n${log.err.stack ?? ''}`;
  if (log.err) return `${msg}: ${log.err.message ?? ''}`;
  return msg;
}

export function prettyDestination(options: { colorize?: boolean } = {}): DestinationStream {
  return pinoPretty({
    colorize: options.colorize ?? false,
    // In order with process exit (a crash's last words) and with the other processes' output.
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,req,res,responseTime,err,reqId,to,subject,file,link,applied',
    messageFormat: (log, messageKey) => formatLine(log as Log, messageKey),
  });
}
