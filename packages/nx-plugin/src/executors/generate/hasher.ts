import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import type { CustomHasher, HasherContext } from '@nx/devkit';
import { baseHash } from '../base-hash';
import { loadServiceConfig, sharingFingerprint, workspaceSharing } from '@score-nx/engine';
import type { Sharing } from '@score-nx/engine';
import { ALL_ENVIRONMENTS } from '../../paths';
import { generatorFingerprint } from '../../plugin/fingerprint';
import { WorkspaceState } from '../../workspace-state';
import type { GenerateExecutorOptions } from './schema';

/** One per nx process (hashing happens in the nx command's process, before the tasks run). */
let state: WorkspaceState | undefined;

/**
 * Task hash of generate and preview: Nx's own hash of the target (the service folder, the options, the
 * configuration name, command-line overrides such as --pr) plus, for each environment the task renders, what it
 * reads outside the service folder: the environment file and the provisioner library of the version it uses
 * (the workspace folder's content hash, or a release's git tree id) and the engine's fingerprint.
 *
 * Why a hasher: Nx's inputs are per target, not per configuration, and Nx also hashes every target's options and
 * configurations into every task of a project. Neither can keep generate:prod (pinned) out of reach of a
 * workspace library edit that must invalidate generate:dev. The hasher computes this per task, from the files
 * as they are when the task is hashed, so it is never stale.
 */
export const scoreHasher = async (task: Parameters<CustomHasher>[0], context: HasherContext) => {
  const base = await baseHash(task, context);
  const root = context.projectGraph.nodes[task.target.project]?.data.root ?? '.';
  if (!state || state.root !== workspaceRoot) state = new WorkspaceState(workspaceRoot);
  const nodes = score(task, context, root, state);
  const h = createHash('sha256').update(base.value);
  for (const [k, v] of Object.entries(nodes)) h.update(`\0${k}=${v}`);
  return { ...base, value: h.digest('hex'), details: { ...base.details, nodes: { ...base.details.nodes, ...nodes } } };
};

export default scoreHasher;

/** The extra hash nodes of a task: `score:<env>` → library version@hash;env@hash, and `score:engine`. */
export function score(task: Parameters<CustomHasher>[0], context: HasherContext, projectRoot: string, ws: WorkspaceState): Record<string, string> {
  const target = context.projectsConfigurations.projects[task.target.project]?.targets?.[task.target.target];
  const configuration = task.target.configuration ? target?.configurations?.[task.target.configuration] : undefined;
  const options = { ...(target?.options ?? {}), ...(configuration ?? {}), ...task.overrides } as GenerateExecutorOptions;
  const environment = options.environment ?? ALL_ENVIRONMENTS;
  const envs = environment === ALL_ENVIRONMENTS ? (options.environments ?? []) : [environment];
  let config;
  try {
    config = loadServiceConfig(join(ws.root, projectRoot), projectRoot === '.' ? '' : projectRoot);
  } catch {
    config = undefined; // the render fails with the engine's message; nothing to cache
  }
  const nodes: Record<string, string> = { 'score:engine': generatorFingerprint() };
  for (const e of [...envs].sort()) {
    nodes[`score:${e}`] = ws.fingerprint(e, config);
    // Whether this service's namespace and resource ids are shared decides which objects its render keeps.
    nodes[`score:${e}:sharing`] = sharingOf(ws, e, task.target.project);
  }
  return nodes;
}

/** One scan of the workspace's Score files per environment and nx process (hashing is one process). */
const sharingCache = new WeakMap<WorkspaceState, Map<string, Sharing>>();

function sharingOf(ws: WorkspaceState, envName: string, service: string): string {
  const env = ws.environments().get(envName);
  if (!env) return 'none';
  let byEnv = sharingCache.get(ws);
  if (!byEnv) sharingCache.set(ws, (byEnv = new Map()));
  let sharing = byEnv.get(envName);
  if (!sharing) byEnv.set(envName, (sharing = workspaceSharing(ws.root, env)));
  return sharingFingerprint(sharing, service);
}
