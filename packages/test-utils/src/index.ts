export * from './redis.ts';
export * from './skip.ts';
