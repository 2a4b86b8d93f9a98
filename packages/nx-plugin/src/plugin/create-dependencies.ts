import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DependencyType } from '@nx/devkit';
import type { CreateDependencies, RawProjectGraphDependency } from '@nx/devkit';
import { parseYamlMapping } from '@score-nx/engine';
import type { ScorePluginOptions } from './options';
import { normalizeOptions } from './options';
import { parsedScoreFile, SERVICE_TAG } from './create-nodes';

/**
 * A `service` resource (`type: service`, `params.name: <other service>`, by default the resource's name) is a call from this service to another:
 * a static dependency from the caller's score.yaml to the callee's project, so `nx graph` shows who calls whom.
 * Names that are not projects of this workspace (external services) add nothing.
 */
export const createDependencies: CreateDependencies<ScorePluginOptions> = (rawOptions, context) => {
  if (!normalizeOptions(rawOptions).serviceDependencies) return [];
  const deps: RawProjectGraphDependency[] = [];
  for (const [source, project] of Object.entries(context.projects)) {
    if (!project.tags?.includes(SERVICE_TAG)) continue;
    const file = project.root === '.' ? 'score.yaml' : `${project.root}/score.yaml`;
    const abs = join(context.workspaceRoot, file);
    if (!existsSync(abs)) continue;
    let resources: unknown;
    try {
      const text = readFileSync(abs, 'utf8');
      resources = (parsedScoreFile(abs, text) ?? parseYamlMapping(file, text, 'Score file').data)['resources'];
    } catch {
      continue; // createNodes reports broken files
    }
    if (!resources || typeof resources !== 'object') continue;
    const targets = new Set<string>();
    for (const [resourceName, res] of Object.entries(resources as Record<string, unknown>)) {
      if (!res || typeof res !== 'object') continue;
      const r = res as { type?: unknown; params?: unknown };
      if (r.type !== 'service') continue;
      // Without params.name the resource's name is the other service's (the service provisioner's default).
      const named = r.params && typeof r.params === 'object' ? (r.params as Record<string, unknown>)['name'] : undefined;
      const name = named === undefined ? resourceName : named;
      if (typeof name === 'string' && name !== source && name in context.projects) targets.add(name);
    }
    for (const target of [...targets].sort()) deps.push({ source, target, sourceFile: file, type: DependencyType.static });
  }
  return deps;
};
