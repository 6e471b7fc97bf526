/**
 * Baseline 2: a raw `ws` relay. Clients name their room in the URL (`/?room=x`); each JSON frame
 * `{ i, room, text }` is acked with `{ a: i }` and the original frame is relayed unchanged to every
 * socket of the room (sender included). No Socket.IO framing, no auth, no persistence.
 */
import http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

const port = Number(process.env.PORT);
const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
const rooms = new Map<string, Set<WebSocket>>();
wss.on('connection', (ws, req) => {
  const room = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? '';
  const members = rooms.get(room) ?? new Set<WebSocket>();
  rooms.set(room, members);
  members.add(ws);
  ws.on('close', () => members.delete(ws));
  ws.on('message', (data, isBinary) => {
    const frame = JSON.parse(data.toString()) as { i: number; room: string };
    ws.send(`{"a":${frame.i}}`);
    for (const peer of rooms.get(frame.room) ?? []) peer.send(data, { binary: isBinary });
  });
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
