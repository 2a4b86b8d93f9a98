import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironments, UserError } from '@score-nx/engine';
import { workspaceSchemaLocations } from '@score-nx/kubeconform';
import type { CliIo } from '../io';
import { findWorkspaceRoot } from '../workspace';
import { SCHEMAS_DIR } from './schemas';

const LOCATION_FLAG = /^--?schema-location(=|$)/;
const VERSION_FLAG = /^--?kubernetes-version(=|$)/;

/**
 * The kubeconform arguments of `score-nx validate`. Our additions, for the common case:
 * - `--env <name>` picks the environment's Kubernetes version, the workspace's `schemas/` and `-strict`;
 * - without any `-schema-location`, inside a workspace that has `schemas/`, those are the locations (kubeconform's
 *   remote default otherwise).
 * Everything else is kubeconform's own command line, unchanged.
 */
export function validateArgs(argv: readonly string[], io: CliIo): string[] {
  const rest: string[] = [];
  let envName: string | undefined;
  const args = argv.values();
  for (const a of args) {
    if (a === '--env' || a === '-env') {
      envName = args.next().value;
      if (envName === undefined || envName === '') throw new UserError('validate: --env needs an environment name');
    } else if (a.startsWith('--env=')) envName = a.slice('--env='.length);
    else rest.push(a);
  }
  const hasLocation = rest.some((a) => LOCATION_FLAG.test(a));
  if (envName === undefined) {
    if (hasLocation) return rest;
    const root = tryWorkspaceRoot(io);
    if (root === undefined || !existsSync(join(root, SCHEMAS_DIR))) return rest;
    return [...locationArgs(root), ...rest];
  }
  const root = findWorkspaceRoot(io.cwd, io.env);
  const envs = loadEnvironments(root);
  const env = envs.get(envName);
  if (!env) throw new UserError(`validate: unknown environment '${envName}' (environments/ defines: ${[...envs.keys()].join(', ') || 'none'})`);
  if (rest.some((a) => VERSION_FLAG.test(a))) throw new UserError(`validate: --env ${envName} sets the Kubernetes version (${env.kubernetesVersion}); drop -kubernetes-version`);
  if (!existsSync(join(root, SCHEMAS_DIR))) throw new UserError(`validate: the workspace has no ${SCHEMAS_DIR}/ folder; run 'score-nx schemas pull'`);
  return ['-kubernetes-version', env.kubernetesVersion, '-strict', ...(hasLocation ? [] : locationArgs(root)), ...rest];
}

function locationArgs(root: string): string[] {
  return workspaceSchemaLocations(join(root, SCHEMAS_DIR)).flatMap((l) => ['-schema-location', l]);
}

function tryWorkspaceRoot(io: CliIo): string | undefined {
  try {
    return findWorkspaceRoot(io.cwd, io.env);
  } catch {
    return undefined;
  }
}
