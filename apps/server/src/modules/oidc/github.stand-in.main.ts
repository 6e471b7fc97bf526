/**
 * Runs the GitHub stand-in as its own process for the browser tests (scripts/e2e-server.mjs,
 * NODE_ENV=test only): prints its URL on the first line of stdout, stops on SIGTERM.
 */
import { startGithubStandIn } from './github.stand-in.ts';

if (process.env.NODE_ENV !== 'test') {
  process.stderr.write('github stand-in: test only (NODE_ENV=test)\n');
  process.exit(1);
}
const standIn = await startGithubStandIn({
  clientId: process.env.STAND_IN_GITHUB_CLIENT_ID,
  clientSecret: process.env.STAND_IN_GITHUB_CLIENT_SECRET,
});
process.stdout.write(`${standIn.url}\n`);
const stop = () => void standIn.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
