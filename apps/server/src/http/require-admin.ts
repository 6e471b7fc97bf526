import type { RequestHandler } from 'express';
import type { Storage } from '../storage/ports.ts';
import { forbidden } from './errors.ts';
import { callerId } from './request.ts';

/**
 * Site admins only (admin and points routes). The role is read from the user record on every call
 * (not only the token's claim), so a demoted or suspended admin loses access at once.
 */
export function createRequireAdmin(ctx: { storage: Pick<Storage, 'users'> }): RequestHandler {
  return async (req, _res, next) => {
    const user = await ctx.storage.users.findById(callerId(req));
    if (user?.role !== 'admin' || user.suspendedAt || user.deletedAt) throw forbidden('Admins only');
    next();
  };
}
