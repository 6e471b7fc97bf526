export * from './bytes.ts';
export * from './errors.ts';
export * from './mls/credential.ts';
export * from './mls/engine.ts';
export * from './mls/suite.ts';
export * from './mls/wire.ts';
