import type * as Kubeconform from '@score-nx/kubeconform';
import type { ValidationResult, ValidatorOptions } from '@score-nx/kubeconform';

export type KubeconformResult = ValidationResult;
export type KubeconformOptions = ValidatorOptions;

export interface KubeconformValidator {
  validateFile(file: string, content: Buffer): Promise<KubeconformResult[]>;
}

/**
 * A validator for one set of options, reused across files (compiled schemas stay in memory). The package is
 * required lazily, so that generating never loads the validator.
 */
export function createValidator(options: KubeconformOptions): KubeconformValidator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Validator } = require('@score-nx/kubeconform') as typeof Kubeconform;
  const validator = new Validator(options);
  return { validateFile: (file, content) => validator.validateFile(file, content) };
}
