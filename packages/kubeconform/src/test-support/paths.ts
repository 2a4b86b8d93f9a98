import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root and its own schema folder (written by `score-nx schemas pull`, committed). */
export const repoRoot = path.resolve(__dirname, '../../../..');
export const schemasDir = path.join(repoRoot, 'schemas');
export const definitionsFor = (v: string) => path.join(schemasDir, 'kubernetes', `v${v}`, '_definitions.json');
export const crdCatalog = path.join(schemasDir, 'crds');

/**
 * The large upstream references beside the clone (all Kubernetes versions, the oracle files, the whole CRD catalog),
 * for tests that compare against them; nothing is copied from there. `SCORE_NX_SHARED_DIR` points elsewhere (a path
 * that does not exist shows what a stranger's clone runs).
 */
export const sharedDir = path.resolve(repoRoot, process.env['SCORE_NX_SHARED_DIR'] ?? '../shared');
export const sharedSchemasDir = path.join(sharedDir, 'schemas');
export const sharedDefinitionsFor = (v: string) => path.join(sharedSchemasDir, 'kubernetes', `v${v}`, '_definitions.json');
export const sharedCrdCatalog = path.join(sharedSchemasDir, 'crds');

/** For `describe.skipIf(...)`: the reason a reference test cannot run, naming the missing path, or false. */
export function missingReference(p: string): string | false {
  return existsSync(p) ? false : `skipped: ${p} is absent (a reference beside the clone, see README "Contributing")`;
}
