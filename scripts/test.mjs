// `npm test`: a Node that can run Charla (fetched once when the system's is older), the system
// packages the tests need (installed where we may, else skipped with the command to run), a
// keyring session for the keychain tests, the dependencies, then the whole suite (test-all.mjs).
import { ensureNode } from './ensure-node.mjs';

ensureNode();
const { ensureSystemPackages } = await import('./system-deps.mjs');
if (process.env.CHARLA_KEYRING_SESSION !== '1') {
  const { missing, command } = ensureSystemPackages();
  process.env.CHARLA_MISSING_PACKAGES = missing.join(' ');
  process.env.CHARLA_INSTALL_COMMAND = command;
}
const { ensureKeyringSession } = await import('./keyring-session.mjs');
ensureKeyringSession();
const { ensureDeps } = await import('./ensure-deps.mjs');
await ensureDeps();
await import('./test-all.mjs');
