import {
  leaderboardQuerySchema,
  paths,
  pointsLedgerQuerySchema,
  reversePointsSchema,
  updateLeaderboardSchema,
  updatePointsSettingsSchema,
} from '@charla/shared-types';
import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../app-context.ts';
import { sendData } from '../../http/envelope.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { below, callerId } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { Storage } from '../../storage/ports.ts';
import { type PointsQueries, toPointsEntry } from './points.queries.ts';
import type { PointsService } from './points.service.ts';

/** A malformed id is a bad request here (400 naming the field), not a lookup. */
const idParams = z.object({ id: z.string().min(1).max(64) }).strict();

/** Mounted at /points: my points, settings and ledger; someone's profile; conversation boards. */
export function pointsRoutes(deps: { requireAuth: RequestHandler; storage: Storage; queries: PointsQueries }): Router {
  const { queries, storage } = deps;
  const r = Router();
  const at = (path: string) => below('/points', path);
  r.use(deps.requireAuth);

  r.get(at(paths.points.me), async (req, res) => {
    sendData(res, await queries.mine(callerId(req)));
  });
  r.put(at(paths.points.settings), async (req, res) => {
    const body = parseInput(updatePointsSettingsSchema, req.body);
    await storage.points.setVisibility(callerId(req), body.visibility);
    sendData(res, await queries.mine(callerId(req)));
  });
  r.get(at(paths.points.ledger), async (req, res) => {
    const q = parseInput(pointsLedgerQuerySchema, req.query);
    sendData(res, await queries.ledger(callerId(req), q));
  });
  r.get('/users/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    sendData(res, await queries.profile(callerId(req), id));
  });
  r.get('/conversations/:id/leaderboard', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const q = parseInput(leaderboardQuerySchema, req.query);
    sendData(res, await queries.leaderboard(callerId(req), id, q));
  });
  r.put('/conversations/:id/leaderboard', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const body = parseInput(updateLeaderboardSchema, req.body);
    await queries.setLeaderboard(callerId(req), id, body.enabled);
    sendData(res, await queries.leaderboard(callerId(req), id, { period: 'week', limit: 25 }));
  });
  return r;
}

/** Mounted at /admin/points: site admins read anyone's ledger and reverse awards. */
export function adminPointsRoutes(deps: {
  requireAuth: RequestHandler;
  requireAdmin: RequestHandler;
  storage: Storage;
  clock: Clock;
  queries: PointsQueries;
  points: PointsService;
}): Router {
  const { queries, storage } = deps;
  const r = Router();
  r.use(deps.requireAuth, deps.requireAdmin);
  r.get('/users/:id/ledger', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const q = parseInput(pointsLedgerQuerySchema, req.query);
    if (!(await storage.users.findById(id))) throw notFound('User');
    sendData(res, await queries.ledger(id, q));
  });
  r.post('/entries/:id/reversal', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const { reason } = parseInput(reversePointsSchema, req.body);
    const out = await storage.points.reverse(id, { reason, actorId: callerId(req), now: deps.clock.now() });
    if (out.status === 'not_found') throw notFound('Points entry');
    if (out.status === 'already_reversed') throw conflict('This award was already reversed');
    // Streaks and achievement progress follow the ledger.
    await deps.points.rebuild(out.original.userId);
    const view = await storage.points.findEntry(out.entry.id);
    sendData(res, view ? toPointsEntry(view) : null, 201);
  });
  return r;
}
