// `npm run up`: a Node that can run Charla (fetched once when the system's is older), the
// dependencies, then the server + web client (scripts/dev.mjs).
import { ensureNode } from './ensure-node.mjs';

ensureNode();
const { ensureDeps } = await import('./ensure-deps.mjs');
await ensureDeps();
await import('./dev.mjs');
