import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import type { CustomHasher, HasherContext } from '@nx/devkit';
import { baseHash } from '../base-hash';
import { validatorFingerprint } from '../../plugin/fingerprint';

/**
 * Task hash of validate: Nx's own (the rendered manifests of the generate task it depends on, the options with
 * each environment's Kubernetes version and the schema locations) plus the validator's code fingerprint.
 */
export const validateHasher = async (task: Parameters<CustomHasher>[0], context: HasherContext) => {
  const base = await baseHash(task, context);
  const validator = validatorFingerprint();
  const policies = policiesFingerprint(workspaceRoot);
  const value = createHash('sha256').update(`${base.value}\0score:validator=${validator}\0score:policies=${policies}`).digest('hex');
  return { ...base, value, details: { ...base.details, nodes: { ...base.details.nodes, 'score:validator': validator, 'score:policies': policies } } };
};

/** The admission policies and platform objects of the workspace (policies/*.yaml) that validate evaluates. */
export function policiesFingerprint(root: string): string {
  const h = createHash('sha256');
  const dir = join(root, 'policies');
  if (existsSync(dir)) for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) h.update(`${f}\0`).update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex').slice(0, 16);
}

export default validateHasher;
