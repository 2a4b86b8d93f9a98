// `@score-nx/engine/testing`: the engine's test helpers and the engine functions only tests call (a test recomputing
// a hash or a secret reference the way the engine does, the contract suite loading a library folder by itself).
// Source only, for the workspace's tests (vitest and tsconfig.test.json map it to this file); never built into dist,
// since the helpers use vitest. Disjoint from index.ts, which tools/surface/engine-surface.test.ts checks.
export { thrown, h10, useTempDir, libyamlAvailable, readWithLibyaml } from './test-support';
export { sha256Hex } from './util/hash';
export { encodeSecretRef } from './convert/secrets';
export { loadLibrary } from './provisioners/library';
export { CONTRACT_PREVIEW_PR } from './scaffold/provisioner';
