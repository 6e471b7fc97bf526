#!/usr/bin/env node
// Three users chat through the real API and real sockets:
//   1. ana and ben chat directly (live over Socket.IO, with delivery and read receipts);
//   2. ana forms a group with ben;
//   3. ana shares an invite link; cy previews it, joins, and sees only the history since joining.
//
// Usage:
//   node scripts/demo-chat.mjs                 # starts a throw-away server (temp DATA_DIR, free port)
//   node scripts/demo-chat.mjs http://127.0.0.1:4000   # or drives a server that is already running
//   CHARLA_DEMO_MONGODB_URI=mongodb://127.0.0.1:27017/demo node scripts/demo-chat.mjs
//                                              # throw-away server on that MongoDB (never the shell's MONGODB_URI)
// Sign-up mails a code: the demo reads it from the server's outbox (DATA_DIR/outbox while SMTP_URL
// is unset): its own temp dir, or for a running server $CHARLA_OUTBOX, else .data/outbox.
// Exits non-zero if any step does not behave as described.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { nodeTsFlags, root } from './lib.mjs';

const require = createRequire(path.join(root, 'apps/server/package.json'));
const { io } = require('socket.io-client');

const say = (who, text) => console.log(`${who.padEnd(5)} ${text}`);
function check(cond, what) {
  if (!cond) {
    console.error(`FAILED: ${what}`);
    process.exitCode = 1;
    throw new Error(what);
  }
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-demo-'));
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeTsFlags(), path.join(root, 'apps/server/src/main.ts')], {
    env: {
      ...process.env,
      // The store is chosen here, not inherited: SQLite in the temp dir unless asked for MongoDB.
      MONGODB_URI: process.env.CHARLA_DEMO_MONGODB_URI ?? '',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BCRYPT_COST: '4',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    outbox: path.join(dataDir, 'outbox'),
    stop: () => {
      child.kill('SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function client(base, token) {
  const call = async (method, p, body) => {
    const res = await fetch(`${base}/api/v1${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (json.error) throw new Error(`${method} ${p}: ${res.status} ${json.message}`);
    return json.data;
  };
  return {
    get: (p) => call('GET', p),
    post: (p, b = {}) => call('POST', p, b),
    patch: (p, b) => call('PATCH', p, b),
  };
}

/** The code of the newest sign-up mail to `email` in the outbox (its X-Charla-Code header). */
async function mailedCode(outbox, email) {
  for (let i = 0; i < 100; i++) {
    const files = fs.existsSync(outbox) ? fs.readdirSync(outbox).sort().reverse() : [];
    for (const file of files) {
      const lines = fs.readFileSync(path.join(outbox, file), 'utf8').split(/\r?\n/);
      const code = lines.find((l) => l.startsWith('X-Charla-Code: '));
      if (code && lines.includes(`To: ${email}`)) return code.slice('X-Charla-Code: '.length).trim();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no sign-up code for ${email} in ${outbox} (is that the server's DATA_DIR/outbox?)`);
}

/** Sign-up: "check your email" (202, no session), then the mailed code signs in. */
async function register(base, outbox, name) {
  const email = `${name}.${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const post = (p, body) =>
    fetch(`${base}/api/v1${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  const started = await post('/auth/register', {
    email,
    password,
    displayName: name[0].toUpperCase() + name.slice(1),
    client: 'desktop',
  });
  if (started.error) throw new Error(`register ${name}: ${started.message}`);
  const code = await mailedCode(outbox, email);
  const json = await post('/auth/register/verify', { email, code, password, client: 'desktop' });
  if (json.error) throw new Error(`register ${name}: ${json.message}`);
  say(name, `signed up with the code mailed to ${email}`);
  return { ...json.data, name, api: client(base, json.data.accessToken) };
}

function connect(base, user) {
  const socket = io(base, { auth: { token: user.accessToken }, transports: ['websocket'] });
  socket.on('message:created', ({ message }) => {
    // A device acknowledges what it got: that is what "delivered" means.
    socket.emit('message:delivered', { conversationId: message.conversationId, seq: message.seq });
    if (message.senderId !== user.user.id && message.kind !== 'system')
      say(user.name, `<- received "${message.text}" (seq ${message.seq})`);
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const sendOverSocket = (socket, conversationId, text) =>
  socket
    .timeout(5000)
    .emitWithAck('message:send', { conversationId, clientMsgId: `demo-${Math.random().toString(36).slice(2)}`, text })
    .then((ack) => {
      if (!ack.ok) throw new Error(ack.error.message);
      return ack.data;
    });

async function main() {
  const given = process.argv[2];
  const server = given
    ? {
        url: given.replace(/\/$/, ''),
        outbox: path.resolve(process.env.CHARLA_OUTBOX ?? path.join(root, '.data/outbox')),
        stop: () => {},
      }
    : await startServer();
  const base = server.url;
  const sockets = [];
  try {
    console.log(`Charla demo against ${base}\n`);
    const [ana, ben, cy] = [
      await register(base, server.outbox, 'ana'),
      await register(base, server.outbox, 'ben'),
      await register(base, server.outbox, 'cy'),
    ];
    const [anaS, benS] = [await connect(base, ana), await connect(base, ben)];
    sockets.push(anaS, benS);

    console.log('1. Direct chat');
    const direct = await ana.api.post('/conversations', { kind: 'direct', userId: ben.user.id });
    say('ana', `opens a direct chat with Ben (${direct.id})`);
    const hi = await sendOverSocket(anaS, direct.id, 'Hi Ben! Free this weekend?');
    say('ana', `-> "${hi.text}" acked with seq ${hi.seq}`);
    await new Promise((r) => setTimeout(r, 200));
    const reply = await sendOverSocket(benS, direct.id, 'Hey Ana, yes!');
    say('ben', `-> "${reply.text}"`);
    await ben.api.post(`/conversations/${direct.id}/read`, { seq: hi.seq });
    await new Promise((r) => setTimeout(r, 200));
    const receipts = await ana.api.get(`/messages/${hi.id}/receipts`);
    say('ana', `sees her message as: ${receipts.status}`);
    check(receipts.status === 'read', 'the direct message shows as read');

    console.log('\n2. A group');
    const group = await ana.api.post('/conversations', {
      kind: 'group',
      title: 'Weekend trip',
      memberIds: [ben.user.id],
    });
    say('ana', `creates "${group.title}" with Ben`);
    await sendOverSocket(anaS, group.id, 'Mountains or sea?');
    await sendOverSocket(benS, group.id, 'Mountains. Should we ask Cy?');
    await new Promise((r) => setTimeout(r, 200));

    console.log('\n3. An invite link');
    const invite = await ana.api.post(`/conversations/${group.id}/invites`, { maxUses: 5, expiresInSeconds: 86400 });
    say('ana', `shares ${invite.webUrl}  (desktop: ${invite.desktopUrl})`);
    const preview = await cy.api.get(`/invites/${invite.code}`);
    say('cy', `previews: "${preview.conversation.title}", ${preview.conversation.memberCount} members, not joined yet`);
    const cyS = await connect(base, cy);
    sockets.push(cyS);
    const accepted = await cy.api.post(`/invites/${invite.code}/accept`);
    say('cy', `joins (${accepted.joined ? 'joined' : 'already a member'})`);
    await sendOverSocket(anaS, group.id, 'Welcome, Cy!');
    await sendOverSocket(cyS, group.id, 'Thanks! Mountains it is.');
    await new Promise((r) => setTimeout(r, 200));

    const texts = async (u) =>
      (await u.api.get(`/conversations/${group.id}/messages?limit=100`)).items.map((m) =>
        m.kind === 'system' ? `[${m.system.type}]` : m.text,
      );
    const anaSees = await texts(ana);
    const cySees = await texts(cy);
    console.log(`\n  ana sees: ${anaSees.join(' | ')}`);
    console.log(`  cy  sees: ${cySees.join(' | ')}`);
    check(anaSees.includes('Mountains or sea?'), 'ana sees the early messages');
    check(!cySees.includes('Mountains or sea?'), 'cy does not see messages from before joining');
    check(cySees.includes('Welcome, Cy!'), 'cy sees messages since joining');
    console.log('\nDemo finished: direct chat, group, invite link, history since joining all behave.');
  } finally {
    for (const s of sockets) s.close();
    server.stop();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});
