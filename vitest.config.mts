import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import sibling packages from source so that no build is needed between an edit and a test run.
export default defineConfig({
  resolve: {
    alias: [
      // Deep imports of a module kept light on purpose (the plugin's graph code must not load the validator).
      { find: /^@score-nx\/kubeconform\/dist\/(.*)$/, replacement: fileURLToPath(new URL('./packages/kubeconform/src/$1.ts', import.meta.url)) },
      // The engine's test helpers (src/testing.ts), source only: see packages/engine/package.json `exports`.
      { find: /^@score-nx\/engine\/testing$/, replacement: fileURLToPath(new URL('./packages/engine/src/testing.ts', import.meta.url)) },
      { find: /^@score-nx\/engine$/, replacement: src('engine') },
      { find: /^@score-nx\/kubeconform$/, replacement: src('kubeconform') },
      { find: /^@score-nx\/nx-plugin$/, replacement: src('nx-plugin') },
      { find: /^@score-nx\/cli$/, replacement: src('cli') },
      { find: /^@score-nx\/admission$/, replacement: src('admission') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'provisioners/**/*.test.ts', 'tools/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
