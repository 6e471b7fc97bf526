import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { name: 'test-utils', include: ['src/**/*.test.ts'], environment: 'node' } });
