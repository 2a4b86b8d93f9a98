import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import sibling packages from source so that no build is needed between an edit and a test run.
export default defineConfig({
  resolve: {
    alias: {
      '@score-nx/engine': src('engine'),
      '@score-nx/kubeconform': src('kubeconform'),
      '@score-nx/admission': src('admission'),
      '@score-nx/nx-plugin': src('nx-plugin'),
      '@score-nx/cli': src('cli'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'provisioners/**/*.test.ts', 'tools/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
