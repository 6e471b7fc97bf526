/**
 * Real E2EE clients (the same code the web client runs in its worker) against the real server:
 * each has its own encrypted in-memory store and talks REST; tests drive sync/reconcile explicitly
 * or through socket events.
 */
import {
  createE2eeClient,
  createEncryptedStore,
  createFetchApi,
  createMemoryRawStore,
  type E2eeClient,
  type E2eeClientEvent,
  type E2eeStore,
  generateStoreKey,
  type LocalMessage,
  type LocalRecord,
} from '@charla/e2ee';
import type { ConversationSummary } from '@charla/shared-types';
import { connectSocket, type Rest, restAs } from '../chat.ts';
import { registerUser, type TestApp } from '../harness.ts';

export type Person = { id: string; token: string; rest: Rest; username: string };

export type Device = {
  person: Person;
  client: E2eeClient;
  raw: ReturnType<typeof createMemoryRawStore>;
  /** The same encrypted store the client uses (tests read its records). */
  store: E2eeStore;
  events: E2eeClientEvent[];
};

export async function person(t: TestApp): Promise<Person> {
  const u = await registerUser(t);
  return { id: u.user.id, token: u.accessToken, rest: restAs(t.api, u.accessToken), username: u.username };
}

export async function device(t: TestApp, p: Person, name = 'Node test device'): Promise<Device> {
  const raw = createMemoryRawStore();
  const events: E2eeClientEvent[] = [];
  const store = createEncryptedStore(raw, await generateStoreKey());
  const client = await createE2eeClient({
    api: createFetchApi({ baseUrl: t.api, getToken: () => p.token }),
    store,
    userId: p.id,
    deviceName: name,
    poolTarget: 10,
    onEvent: (e) => events.push(e),
  });
  await client.init();
  return { person: p, client, raw, store, events };
}

export async function createEncrypted(
  owner: Person,
  body: { kind: 'direct'; userId: string } | { kind: 'group'; title: string; memberIds: string[] },
): Promise<string> {
  const res = await owner.rest.post<ConversationSummary>('/conversations', { ...body, encrypted: true });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.id;
}

export const texts = (records: LocalRecord[]) =>
  records.filter((r): r is LocalMessage => r.kind === 'message' && !r.deletedAt).map((r) => r.text);

export const notes = (records: LocalRecord[]) => records.flatMap((r) => (r.kind === 'note' ? [r.note] : []));

/** Every device catches up: Welcomes first, then the log. */
export async function syncAll(conversationId: string, devices: Device[]): Promise<void> {
  for (const d of devices) {
    await d.client.processWelcomes();
    await d.client.sync(conversationId);
  }
}

/** A socket that forwards e2ee events to the device's client, as the web client does. */
export async function liveSocket(t: TestApp, d: Device) {
  const socket = await connectSocket(t.url, d.person.token);
  const seen: unknown[] = [];
  socket.on('e2ee:message', (e) => {
    seen.push(e);
    void d.client.handle({ type: 'message', conversationId: e.conversationId });
  });
  socket.on('e2ee:welcome', (e) => {
    seen.push(e);
    void d.client.handle({ type: 'welcome', conversationId: e.conversationId });
  });
  socket.on('e2ee:roster_stale', (e) => {
    seen.push(e);
    void d.client.handle({ type: 'roster', conversationId: e.conversationId });
  });
  socket.onAny((_event, payload) => seen.push(payload));
  return { socket, seen };
}
