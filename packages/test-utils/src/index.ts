export * from './skip.ts';
