/**
 * Runs the translation stand-in as its own process for the browser tests (scripts/e2e-server.mjs,
 * NODE_ENV=test only) and the bench: prints its URL on the first line of stdout, stops on SIGTERM.
 */
import { startTranslationStandIn } from './translation.stand-in.ts';

if (process.env.NODE_ENV !== 'test') {
  process.stderr.write('translation stand-in: test only (NODE_ENV=test)\n');
  process.exit(1);
}
const standIn = await startTranslationStandIn({
  deeplKey: process.env.STAND_IN_DEEPL_KEY ?? 'e2e-key:fx',
  googleKey: process.env.STAND_IN_GOOGLE_KEY ?? 'e2e-google-key',
});
process.stdout.write(`${standIn.url}\n`);
const stop = () => void standIn.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
