import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import type { CustomHasher, HasherContext } from '@nx/devkit';
import { baseHash } from '../base-hash';
import { loadServiceConfig, sharingFingerprint } from '@score-nx/engine';
import type { LibraryPins } from '@score-nx/engine';
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
  const nodes: Record<string, string> = { 'score:engine': generatorFingerprint() };
  if (envs.length === 0) return nodes;
  const config = serviceConfig(ws, projectRoot);
  for (const e of [...envs].sort()) {
    nodes[`score:${e}`] = ws.fingerprint(e, config);
    // Whether this service's namespace and resource ids are shared decides which objects its render keeps.
    const sharing = ws.sharing(e);
    nodes[`score:${e}:sharing`] = sharing ? sharingFingerprint(sharing, task.target.project) : 'none';
  }
  return nodes;
}

/**
 * The service config of a project: from the workspace scan the sharing facts come from (one read of every
 * service per nx process), else read here (a Score file the scan does not take, such as a custom scoreFile).
 */
function serviceConfig(ws: WorkspaceState, projectRoot: string): LibraryPins | undefined {
  const scanned = ws.services().get(projectRoot === '.' ? '' : projectRoot);
  if (scanned) return scanned.config;
  try {
    return loadServiceConfig(join(ws.root, projectRoot), projectRoot === '.' ? '' : projectRoot);
  } catch {
    return undefined; // the render fails with the engine's message; nothing to cache
  }
}
