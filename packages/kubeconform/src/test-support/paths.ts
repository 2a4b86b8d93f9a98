import * as path from 'node:path';

/**
 * The repository root (…/main) and the shared data folder beside it; nothing is copied from it. A git
 * worktree elsewhere names the folder with SCORE_NX_SHARED_DIR.
 */
export const repoRoot = path.resolve(__dirname, '../../../..');
export const sharedDir = process.env.SCORE_NX_SHARED_DIR ?? path.resolve(repoRoot, '../shared');
export const schemasDir = path.join(sharedDir, 'schemas');
export const definitionsFor = (v: string) => path.join(schemasDir, 'kubernetes', `v${v}`, '_definitions.json');
export const crdCatalog = path.join(schemasDir, 'crds');
