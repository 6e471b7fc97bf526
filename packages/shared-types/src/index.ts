export * from './api/error-codes.ts';
export * from './api/health.ts';
export * from './api/paths.ts';
export * from './dto/auth.ts';
export * from './dto/envelope.ts';
export * from './dto/user.ts';
export * from './socket/ack.ts';
