export * from './api/error-codes.ts';
export * from './api/health.ts';
export * from './dto/envelope.ts';
export * from './socket/ack.ts';
