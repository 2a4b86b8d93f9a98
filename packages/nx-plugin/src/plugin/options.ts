import type { TargetConfiguration } from '@nx/devkit';
import { workspaceSchemaLocations } from '@score-nx/kubeconform/dist/schemas/workspace-layout';

type InputDefinition = NonNullable<TargetConfiguration['inputs']>[number];

/** The `options` of the plugin's entry in nx.json. Every key is optional. */
export interface ScorePluginOptions {
  /** Target names. */
  generateTargetName?: string;
  validateTargetName?: string;
  previewTargetName?: string;
  /** A no-op target whose inputs name the workspace files outside the service folder (for `nx affected`). */
  inputsTargetName?: string;
  /** Workspace-relative folder the manifests are written to: `<outputRoot>/<env>/<service>/manifests.yaml`. */
  outputRoot?: string;
  /** Only these environments get configurations (default: every file in environments/). */
  environments?: string[];
  /**
   * The glob (workspace-relative) of the Score files that are services, one per folder (default `**\/score.yaml`;
   * e.g. `**\/score*.yaml` takes `score-ai.yaml` too). A Score file with another name renders as itself.
   */
  scoreFiles?: string;
  /** Globs (workspace-relative) of Score files that are not services, on top of node_modules and the output root. */
  exclude?: string[];
  /**
   * kubeconform schema locations for `validate` (templates such as `{{ .NormalizedKubernetesVersion }}`); relative
   * paths are relative to the workspace root. Default: the workspace's own `schemas/` (written by `score-nx schemas pull`).
   */
  schemaLocations?: string[];
  /** kubeconform `-strict` (reject unknown fields). */
  strict?: boolean;
  /** Extra inputs appended to the inputs target (e.g. the engine's sources when it lives in the workspace). */
  extraInputs?: InputDefinition[];
  /** Adds a graph dependency for each `service` resource that names another project (default true). */
  serviceDependencies?: boolean;
}

export interface NormalizedOptions {
  generateTargetName: string;
  validateTargetName: string;
  previewTargetName: string;
  inputsTargetName: string;
  outputRoot: string;
  environments: string[] | undefined;
  scoreFiles: string;
  exclude: string[];
  schemaLocations: string[];
  strict: boolean;
  extraInputs: InputDefinition[];
  serviceDependencies: boolean;
}

export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/__fixtures__/**'];
export const DEFAULT_SCORE_FILES = '**/score.yaml';

export function normalizeOptions(options: ScorePluginOptions | undefined): NormalizedOptions {
  const o = options ?? {};
  const outputRoot = (o.outputRoot ?? 'dist/manifests').replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (o.scoreFiles !== undefined && (typeof o.scoreFiles !== 'string' || !/\.ya?ml\}?$/.test(o.scoreFiles))) {
    throw new Error(`@score-nx/nx-plugin: scoreFiles must be a glob of .yaml or .yml files, got ${JSON.stringify(o.scoreFiles)}`);
  }
  if (outputRoot === '' || outputRoot.startsWith('/') || outputRoot.split('/').includes('..')) {
    throw new Error(`@score-nx/nx-plugin: outputRoot must be a folder inside the workspace, got '${o.outputRoot}'`);
  }
  return {
    generateTargetName: o.generateTargetName ?? 'generate',
    validateTargetName: o.validateTargetName ?? 'validate',
    previewTargetName: o.previewTargetName ?? 'preview',
    inputsTargetName: o.inputsTargetName ?? 'score-inputs',
    outputRoot,
    environments: o.environments,
    scoreFiles: o.scoreFiles ?? DEFAULT_SCORE_FILES,
    exclude: [...DEFAULT_EXCLUDE, ...(o.exclude ?? [])],
    schemaLocations: o.schemaLocations ?? workspaceSchemaLocations(),
    strict: o.strict ?? true,
    extraInputs: o.extraInputs ?? [],
    serviceDependencies: o.serviceDependencies ?? true,
  };
}

/** Converts a glob (`**`, `*`, `?`, `{a,b}`) to a RegExp over workspace-relative posix paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map(escapeRe).join('|')})`;
        i = end;
      }
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(s: string): string {
  return s.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}
