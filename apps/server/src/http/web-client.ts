import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/** Serves the built web client at `/` (SPA fallback) when its build exists. */
export function webClientRoutes(distDir: string | undefined): Router | undefined {
  if (!distDir) return undefined;
  const index = path.join(distDir, 'index.html');
  if (!fs.existsSync(index)) return undefined;
  const router = express.Router();
  router.use(express.static(distDir, { index: false, maxAge: '1h' }));
  router.get(/^\/(?!api\/|socket\.io\/|healthz|readyz|metrics).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
