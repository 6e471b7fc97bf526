/**
 * Registers every invoke channel of the contract with ipcMain. Each call is checked in order:
 * the sender frame must be the app's own top-level document, the payload must match the channel's
 * zod schema, and the handler's result must match the result schema (so nothing outside the
 * contract, such as a refresh token, can leak). Errors come back as typed `{ ok: false, error }`.
 */
import { z } from 'zod';
import {
  type InvokeChannel,
  type InvokeResult,
  type IpcError,
  type IpcResponse,
  invokeChannels,
  invokeContract,
} from '../../shared/ipc-contract.ts';
import { isAppUrl } from '../security.ts';
import { DesktopError } from '../session.ts';

export type SenderFrame = { url: string; parent: unknown | null } | null | undefined;
export type IpcEventLike = { senderFrame?: SenderFrame };

export type IpcMainLike = {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
};

type ParsedArgs<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['args']>;
export type IpcHandlers = {
  [C in InvokeChannel]: (args: ParsedArgs<C>) => Promise<InvokeResult<C>> | InvokeResult<C>;
};

/** Only the app's own top-level document may call main; never an iframe, never a remote page. */
export function isTrustedSender(frame: SenderFrame, appOrigins: readonly string[]): boolean {
  if (!frame || typeof frame.url !== 'string') return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, appOrigins);
}

function fail(error: IpcError): IpcResponse<never> {
  return { ok: false, error };
}

export async function dispatch<C extends InvokeChannel>(
  channel: C,
  event: IpcEventLike,
  args: unknown[],
  handlers: IpcHandlers,
  appOrigins: readonly string[],
  log: (message: string) => void = () => undefined,
): Promise<IpcResponse<InvokeResult<C>>> {
  if (!isTrustedSender(event.senderFrame, appOrigins)) {
    log(`ipc: ${channel} refused from ${event.senderFrame?.url ?? 'unknown sender'}`);
    return fail({ code: 'forbidden', message: 'This sender may not use the desktop bridge' });
  }
  const contract = invokeContract[channel];
  if (args.length !== 1) return fail({ code: 'validation_failed', message: `${channel} takes exactly one argument` });
  const parsed = contract.args.safeParse(args[0]);
  if (!parsed.success)
    return fail({
      code: 'validation_failed',
      message: `Invalid payload for ${channel}`,
      details: z.flattenError(parsed.error as z.ZodError<unknown>).fieldErrors as Record<string, string[]>,
    });
  let result: unknown;
  try {
    const handler = handlers[channel] as (a: unknown) => unknown;
    result = await handler(parsed.data);
  } catch (error) {
    if (error instanceof DesktopError)
      return fail({
        code: error.code,
        message: error.message,
        ...(error.status !== undefined ? { status: error.status } : {}),
        ...(error.details ? { details: error.details } : {}),
      });
    log(`ipc: ${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return fail({ code: 'internal', message: 'Something went wrong in the desktop app' });
  }
  const checked = contract.result.safeParse(result);
  if (!checked.success) {
    log(`ipc: ${channel} produced a result outside the contract`);
    return fail({ code: 'internal', message: 'Something went wrong in the desktop app' });
  }
  return { ok: true, data: checked.data as InvokeResult<C> };
}

/** Registers all channels; returns a function that removes them. */
export function registerIpc(options: {
  ipcMain: IpcMainLike;
  handlers: IpcHandlers;
  appOrigins: readonly string[];
  log?: (message: string) => void;
}): () => void {
  for (const channel of invokeChannels)
    options.ipcMain.handle(channel, (event, ...args) =>
      dispatch(channel, event, args, options.handlers, options.appOrigins, options.log),
    );
  return () => {
    for (const channel of invokeChannels) options.ipcMain.removeHandler(channel);
  };
}
