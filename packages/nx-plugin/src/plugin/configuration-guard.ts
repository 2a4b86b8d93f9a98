import { readCachedProjectGraph } from '@nx/devkit';
import type { PreTasksExecution } from '@nx/devkit';
import { loadEnvironments } from '@score-nx/engine';
import { SERVICE_TAG } from './create-nodes';
import { normalizeOptions } from './options';
import type { ScorePluginOptions } from './options';

/** A (project?, target, configuration) request read from the nx command line. */
export interface ConfigurationRequest {
  project?: string;
  target: string;
  configuration: string;
}

/**
 * The target/configuration pairs of an nx command line: `nx run p:t:c`, `nx p:t:c`, `nx run p:t -c c`,
 * `nx run-many -t a,b -c c`, `nx affected --targets=a --configuration=c`.
 */
export function configurationRequests(argv: readonly string[]): ConfigurationRequest[] {
  const args = argv.slice(2);
  const flag = (names: string[]): string[] => {
    const values: string[] = [];
    args.forEach((a, i) => {
      const next = args[i + 1];
      for (const n of names) {
        if (a === n && next !== undefined) values.push(next);
        else if (a.startsWith(`${n}=`)) values.push(a.slice(n.length + 1));
      }
    });
    return values;
  };
  const configurations = flag(['-c', '--configuration']);
  const targets = flag(['-t', '--target', '--targets']).flatMap((t) => t.split(','));
  const requests: ConfigurationRequest[] = [];
  for (const a of args) {
    if (a.startsWith('-')) continue;
    const [, project, target, named] = /^([^:\s]+):([^:\s]+)(?::([^\s]+))?$/.exec(a) ?? [];
    if (project === undefined || target === undefined) continue;
    const configuration = named ?? configurations[configurations.length - 1];
    if (configuration !== undefined) requests.push({ project, target, configuration });
  }
  const configuration = configurations[configurations.length - 1];
  if (configuration !== undefined) for (const target of targets) if (target !== '') requests.push({ target, configuration });
  return requests;
}

/**
 * Nx silently ignores a configuration a target does not define (`nx run svc:generate:prd` renders every
 * environment, under the default options' cache key). This hook runs in the nx process before any task and fails
 * the command instead when a configuration of this plugin's targets is not an environment.
 */
export const preTasksExecution: PreTasksExecution<ScorePluginOptions> = (rawOptions, context) => {
  const options = normalizeOptions(rawOptions);
  const ours = new Set([options.generateTargetName, options.validateTargetName, options.previewTargetName]);
  const requests = configurationRequests(context.argv).filter((r) => ours.has(r.target));
  if (requests.length === 0) return;
  const envs = loadEnvironments(context.workspaceRoot);
  const selected = [...envs.values()].filter((e) => !options.environments || options.environments.includes(e.name));
  const regular = selected.filter((e) => !e.preview).map((e) => e.name);
  const preview = selected.filter((e) => e.preview).map((e) => e.name);
  let scoreProjects: Set<string> | undefined;
  const isScoreProject = (name: string): boolean => {
    if (!scoreProjects) {
      try {
        const graph = readCachedProjectGraph();
        scoreProjects = new Set(Object.values(graph.nodes).filter((n) => n.data.tags?.includes(SERVICE_TAG)).map((n) => n.name));
      } catch {
        return true; // no cached graph: assume it is ours
      }
    }
    return scoreProjects.has(name);
  };
  for (const r of requests) {
    if (r.project !== undefined && !isScoreProject(r.project)) continue;
    const known = r.target === options.previewTargetName ? preview : regular;
    const names = r.configuration.split(',');
    const where = `${r.project !== undefined ? `${r.project}:` : ''}${r.target}`;
    if (names.length > 1) throw new Error(`${where}: one configuration (environment) at a time, got '${r.configuration}'`);
    if (!known.includes(r.configuration)) {
      const previewHint = preview.includes(r.configuration) ? ` ('${r.configuration}' is a preview environment: use the ${options.previewTargetName} target with --pr=<number>)` : '';
      throw new Error(`${where}: unknown configuration '${r.configuration}': the configurations of ${r.target} are the environments ${known.join(', ') || '(none)'}${previewHint}`);
    }
  }
};
