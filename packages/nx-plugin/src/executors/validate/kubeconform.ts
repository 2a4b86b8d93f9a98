import { createRequire } from 'node:module';

/** The part of @score-nx/kubeconform's library API the validate executor uses. */
export interface KubeconformResult {
  filename: string;
  kind: string;
  name: string;
  namespace?: string;
  version?: string;
  status: 'valid' | 'invalid' | 'error' | 'skipped' | 'empty';
  msg: string;
  validationErrors?: Array<{ path: string; msg: string }>;
}

export interface KubeconformOptions {
  kubernetesVersion?: string;
  schemaLocations?: string[];
  strict?: boolean;
  ignoreMissingSchemas?: boolean;
  cwd?: string;
}

export interface KubeconformValidator {
  validateFile(file: string, content: Buffer): Promise<KubeconformResult[]>;
}

interface KubeconformModule {
  Validator?: new (options: KubeconformOptions) => KubeconformValidator;
  validateDocuments?: (docs: Array<{ file: string; content: string | Buffer }>, options: KubeconformOptions) => Promise<KubeconformResult[]>;
}

let loaded: KubeconformModule | undefined;

/**
 * Loads the validator package: its index when it exports the library API, else its validator module (the
 * package's index was still being written when this plugin was). Required lazily, so generating never loads it.
 */
function kubeconform(): KubeconformModule {
  if (loaded) return loaded;
  const req = createRequire(__filename);
  const index = req('@score-nx/kubeconform') as KubeconformModule;
  if (typeof index.Validator === 'function' || typeof index.validateDocuments === 'function') return (loaded = index);
  return (loaded = req('@score-nx/kubeconform/dist/validator') as KubeconformModule);
}

/** A validator for one set of options, reused across files (compiled schemas stay in memory). */
export function createValidator(options: KubeconformOptions): KubeconformValidator {
  const mod = kubeconform();
  if (typeof mod.Validator === 'function') return new mod.Validator(options);
  if (typeof mod.validateDocuments === 'function') {
    const validateDocuments = mod.validateDocuments;
    return { validateFile: (file, content) => validateDocuments([{ file, content }], options) };
  }
  throw new Error('@score-nx/kubeconform exports neither Validator nor validateDocuments');
}
