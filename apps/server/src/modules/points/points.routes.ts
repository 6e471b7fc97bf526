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
import { parseInput } from '../../http/validate.ts';
import type { Storage } from '../../storage/ports.ts';
import { userIdOf } from '../conversations/conversations.routes.ts';
import { type PointsQueries, toPointsEntry } from './points.queries.ts';
import type { PointsService } from './points.service.ts';

const idParams = z.object({ id: z.string().min(1).max(64) }).strict();

export function pointsRoutes(deps: {
  requireAuth: RequestHandler;
  requireAdmin: RequestHandler;
  storage: Storage;
  clock: Clock;
  queries: PointsQueries;
  points: PointsService;
}): Router {
  const { requireAuth, requireAdmin, queries, storage } = deps;
  const r = Router();
  r.use(['/points', '/admin/points'], requireAuth);
  r.use('/admin/points', requireAdmin);

  r.get(paths.points.me, async (req, res) => {
    sendData(res, await queries.mine(userIdOf(req)));
  });
  r.put(paths.points.settings, async (req, res) => {
    const body = parseInput(updatePointsSettingsSchema, req.body);
    await storage.points.setVisibility(userIdOf(req), body.visibility);
    sendData(res, await queries.mine(userIdOf(req)));
  });
  r.get(paths.points.ledger, async (req, res) => {
    const q = parseInput(pointsLedgerQuerySchema, req.query);
    sendData(res, await queries.ledger(userIdOf(req), q));
  });
  r.get('/points/users/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    sendData(res, await queries.profile(userIdOf(req), id));
  });
  r.get('/points/conversations/:id/leaderboard', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const q = parseInput(leaderboardQuerySchema, req.query);
    sendData(res, await queries.leaderboard(userIdOf(req), id, q));
  });
  r.put('/points/conversations/:id/leaderboard', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const body = parseInput(updateLeaderboardSchema, req.body);
    await queries.setLeaderboard(userIdOf(req), id, body.enabled);
    sendData(res, await queries.leaderboard(userIdOf(req), id, { period: 'week', limit: 25 }));
  });

  r.get('/admin/points/users/:id/ledger', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const q = parseInput(pointsLedgerQuerySchema, req.query);
    if (!(await storage.users.findById(id))) throw notFound('User');
    sendData(res, await queries.ledger(id, q));
  });
  r.post('/admin/points/entries/:id/reversal', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const { reason } = parseInput(reversePointsSchema, req.body);
    const out = await storage.points.reverse(id, { reason, actorId: userIdOf(req), now: deps.clock.now() });
    if (out.status === 'not_found') throw notFound('Points entry');
    if (out.status === 'already_reversed') throw conflict('This award was already reversed');
    // Streaks and achievement progress follow the ledger.
    await deps.points.rebuild(out.original.userId);
    const view = await storage.points.findEntry(out.entry.id);
    sendData(res, view ? toPointsEntry(view) : null, 201);
  });
  return r;
}
