import type { Request } from 'express';
import { z } from 'zod';
import type { UserRole } from '../storage/ports.ts';
import { notFound, unauthenticated } from './errors.ts';

/** Who is calling: set by requireAuth on `req.auth`. */
export type AuthContext = { userId: string; sessionId: string; role: UserRole };

declare global {
  namespace Express {
    interface Request {
      auth?: AuthContext;
    }
  }
}

/**
 * The request helpers every router uses (one set, not a copy per module). Handlers behind
 * requireAuth read the caller here; a route mounted without it answers 401, never a 500.
 */
export function caller(req: Request): AuthContext {
  if (!req.auth) throw unauthenticated();
  return req.auth;
}

export const callerId = (req: Request): string => caller(req).userId;

const idSchema = z.string().min(1).max(64);

/** A route's id parameter. A malformed id cannot name anything: 404, like an unknown one. */
export function idParam(req: Request, name = 'id', what = 'Resource'): string {
  const parsed = idSchema.safeParse(req.params[name]);
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}

/**
 * A shared-types path (`/auth/login`) relative to the prefix its router is mounted at (`/login`),
 * so routers keep using the one list of paths the client uses.
 */
export function below(prefix: `/${string}`, path: string): string {
  if (path === prefix) return '/';
  if (!path.startsWith(`${prefix}/`)) throw new Error(`${path} is not below ${prefix}`);
  return path.slice(prefix.length);
}
