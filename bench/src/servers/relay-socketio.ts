/**
 * Baseline 1: a bare Socket.IO relay. No auth, no validation, no persistence: a client joins the
 * room named in its handshake query; `send` is broadcast to the room (sender included, as Charla
 * echoes to the sender's devices) and acked. Same server options as Charla (no compression).
 */
import http from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT);
const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404).end();
});
const io = new Server(server, { perMessageDeflate: false, maxHttpBufferSize: 256 * 1024 });
io.on('connection', (socket) => {
  const room = String(socket.handshake.query.room ?? '');
  if (room) void socket.join(room);
  socket.on('send', (payload: { room: string; text: string }, ack?: (r: unknown) => void) => {
    io.to(payload.room).emit('msg', payload);
    ack?.({ ok: true });
  });
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
