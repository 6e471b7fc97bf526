/**
 * The Content-Security-Policy of what this server serves to browsers (the web client at `/`).
 * connect-src names this server only: its own origin over HTTP(S) and the matching WebSocket
 * origin. Bare `ws:`/`wss:` would let an injected script talk to any host. The web client never
 * connects elsewhere (CORS_ORIGINS are other clients calling this server, not places this page
 * calls); in development Vite serves the page without this header and proxies /api and /socket.io.
 */
export function webConnectSources(publicUrl: string): string[] {
  const origin = new URL(publicUrl).origin;
  const socketOrigin = origin.replace(/^http/, 'ws');
  return ["'self'", origin, socketOrigin];
}

export function contentSecurityDirectives(publicUrl: string, servesHttps: boolean) {
  return {
    defaultSrc: ["'self'"],
    connectSrc: webConnectSources(publicUrl),
    imgSrc: ["'self'", 'data:', 'blob:', 'https://res.cloudinary.com'],
    mediaSrc: ["'self'", 'blob:', 'https://res.cloudinary.com'],
    styleSrc: ["'self'", "'unsafe-inline'"],
    scriptSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    // Upgrading would break a plain-HTTP deployment (LAN, localhost); only ask for it under HTTPS.
    upgradeInsecureRequests: servesHttps ? [] : null,
  };
}
