import { createHash } from 'node:crypto';
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
  const value = createHash('sha256').update(`${base.value}\0score:validator=${validator}`).digest('hex');
  return { ...base, value, details: { ...base.details, nodes: { ...base.details.nodes, 'score:validator': validator } } };
};

export default validateHasher;
