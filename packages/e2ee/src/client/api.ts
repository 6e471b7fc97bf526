import {
  type ClaimedKeyPackages,
  type CommitAccepted,
  type E2eeDevice,
  type E2eeEnvelope,
  type E2eeGroupState,
  type E2eeLogPage,
  type E2eeWelcome,
  e2eePaths,
  type KeyPackageStatus,
  type PostCommitRequest,
  type PostE2eeMessageRequest,
  type RegisterDeviceRequest,
  type Report,
  type ReportE2eeMessageRequest,
  type UploadedBlob,
  type UploadKeyPackagesRequest,
} from '@charla/shared-types';
import { buf } from '../bytes.ts';
import { E2eeError } from '../errors.ts';

/** The Delivery Service as the client sees it. Failures throw E2eeError('server') with status and code. */
export type E2eeApi = {
  registerDevice(body: RegisterDeviceRequest): Promise<E2eeDevice>;
  myDevices(): Promise<E2eeDevice[]>;
  device(deviceId: string): Promise<E2eeDevice | null>;
  revokeDevice(deviceId: string): Promise<void>;
  keyPackageStatus(deviceId: string): Promise<KeyPackageStatus>;
  uploadKeyPackages(deviceId: string, body: UploadKeyPackagesRequest): Promise<KeyPackageStatus>;
  groupState(conversationId: string): Promise<E2eeGroupState>;
  claim(conversationId: string, deviceIds: string[]): Promise<ClaimedKeyPackages>;
  postCommit(conversationId: string, body: PostCommitRequest): Promise<CommitAccepted>;
  postMessage(conversationId: string, body: PostE2eeMessageRequest): Promise<E2eeEnvelope>;
  log(conversationId: string, after: number, limit: number): Promise<E2eeLogPage>;
  welcomes(deviceId: string): Promise<E2eeWelcome[]>;
  ackWelcome(welcomeId: string, deviceId: string): Promise<void>;
  uploadBlob(conversationId: string, bytes: Uint8Array): Promise<UploadedBlob>;
  downloadBlob(blobId: string): Promise<Uint8Array>;
  deleteBlob(blobId: string): Promise<void>;
  report(body: ReportE2eeMessageRequest): Promise<Report>;
};

type Envelope<T> = { error: boolean; status: number; message: string; code?: string; data?: T };

/**
 * The E2eeApi over fetch, for Node and workers alike. `getToken` is asked before every call (so a
 * refreshed token is picked up); `onUnauthorized` may refresh it once and return true to retry.
 */
export function createFetchApi(options: {
  /** e.g. https://chat.example.com/api/v1 */
  baseUrl: string;
  getToken: () => string | Promise<string>;
  onUnauthorized?: () => Promise<boolean>;
  fetch?: typeof fetch;
}): E2eeApi {
  const f = options.fetch ?? fetch;
  async function send(method: string, path: string, body?: unknown, retried = false): Promise<Response> {
    const token = await options.getToken();
    const binary = body instanceof Uint8Array;
    const res = await f(`${options.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': binary ? 'application/octet-stream' : 'application/json' }),
      },
      body: body === undefined ? undefined : binary ? buf(body) : JSON.stringify(body),
    });
    if (res.status === 401 && !retried && options.onUnauthorized && (await options.onUnauthorized()))
      return send(method, path, body, true);
    return res;
  }
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await send(method, path, body);
    let env: Envelope<T> | null = null;
    try {
      env = (await res.json()) as Envelope<T>;
    } catch {
      env = null;
    }
    if (!res.ok || !env || env.error)
      throw new E2eeError('server', env?.message ?? `HTTP ${res.status}`, {
        status: res.status,
        ...(env?.code ? { serverCode: env.code } : {}),
      });
    return env.data as T;
  }
  const q = encodeURIComponent;
  return {
    registerDevice: (body) => call('POST', e2eePaths.devices, body),
    myDevices: () => call('GET', e2eePaths.myDevices),
    device: async (deviceId) => {
      try {
        return await call<E2eeDevice>('GET', e2eePaths.device(deviceId));
      } catch (err) {
        if (err instanceof E2eeError && err.status === 404) return null;
        throw err;
      }
    },
    revokeDevice: async (deviceId) => {
      await call('DELETE', e2eePaths.device(deviceId));
    },
    keyPackageStatus: (deviceId) => call('GET', e2eePaths.keyPackages(deviceId)),
    uploadKeyPackages: (deviceId, body) => call('POST', e2eePaths.keyPackages(deviceId), body),
    groupState: (id) => call('GET', e2eePaths.group(id)),
    claim: (id, deviceIds) => call('POST', e2eePaths.claim(id), { deviceIds }),
    postCommit: (id, body) => call('POST', e2eePaths.commits(id), body),
    postMessage: (id, body) => call('POST', e2eePaths.messages(id), body),
    log: (id, after, limit) => call('GET', `${e2eePaths.messages(id)}?after=${after}&limit=${limit}`),
    welcomes: (deviceId) => call('GET', `${e2eePaths.welcomes}?deviceId=${q(deviceId)}`),
    ackWelcome: async (welcomeId, deviceId) => {
      await call('DELETE', `${e2eePaths.welcome(welcomeId)}?deviceId=${q(deviceId)}`);
    },
    uploadBlob: (id, bytes) => call('POST', e2eePaths.blobs(id), bytes),
    downloadBlob: async (blobId) => {
      const res = await send('GET', e2eePaths.blob(blobId));
      if (!res.ok) {
        const env = (await res.json().catch(() => null)) as Envelope<unknown> | null;
        throw new E2eeError('server', env?.message ?? `HTTP ${res.status}`, {
          status: res.status,
          ...(env?.code ? { serverCode: env.code } : {}),
        });
      }
      return new Uint8Array(await res.arrayBuffer());
    },
    deleteBlob: async (blobId) => {
      await call('DELETE', e2eePaths.blob(blobId));
    },
    report: (body) => call('POST', e2eePaths.reports, body),
  };
}

export const serverCode = (err: unknown): string | undefined =>
  err instanceof E2eeError && err.code === 'server' ? err.serverCode : undefined;
