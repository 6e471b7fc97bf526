/** Messages between the renderer and the E2EE worker (structured-cloneable only). */

export type WorkerMethod =
  | 'sync'
  | 'reconcile'
  | 'send'
  | 'sendFiles'
  | 'forward'
  | 'openFile'
  | 'history'
  | 'search'
  | 'safetyCode'
  | 'markVerified'
  | 'status'
  | 'handle'
  | 'report'
  | 'processWelcomes'
  | 'members'
  | 'wipe';

export const WORKER_METHODS: readonly WorkerMethod[] = [
  'sync',
  'reconcile',
  'send',
  'sendFiles',
  'forward',
  'openFile',
  'history',
  'search',
  'safetyCode',
  'markVerified',
  'status',
  'handle',
  'report',
  'processWelcomes',
  'members',
  'wipe',
];

export type InitRequest = {
  t: 'init';
  id: number;
  userId: string;
  apiBase: string;
  deviceName: string;
  token: string;
  /** Desktop: the store key from the OS keychain. Web: absent (a non-extractable key in IndexedDB). */
  keyBytes?: Uint8Array;
};

export type ToWorker =
  | InitRequest
  | { t: 'token'; token: string | null }
  | { t: 'call'; id: number; method: WorkerMethod; args: unknown[] };

export type WorkerError = { code: string; message: string; status?: number; serverCode?: string };

export type FromWorker =
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: WorkerError }
  | { t: 'event'; event: { type: string; conversationId: string | null; userId?: string; message?: string } }
  | { t: 'refresh' };
