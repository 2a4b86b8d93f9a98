import { dirname } from 'node:path';
import { renderManifests } from './pipeline/assemble';
import { convertWorkload } from './convert/workload';
import type { K8sObject } from './k8s';
import { inScoreFile, loadScoreFile } from './score/load-score';
import type { LoadedScore } from './score/load-score';
import { shortHash } from './util/hash';
import { readSourceInside } from './util/files';

export interface RenderWorkloadOptions {
  /** The folder the Score file may read `files.source` from. Defaults to the Score file's folder. */
  serviceDir?: string;
  /** Stable input of the instance suffix: the environment's name (`default` when there is none). */
  environment?: string;
  namespace?: string;
  /** Images for containers whose image is `.`. */
  images?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

/** `-` and 10 hex chars derived from workload and environment: what score-k8s draws at random and stores. */
export function instanceSuffix(workloadName: string, environment: string): string {
  return `-${shortHash([workloadName, environment])}`;
}

/**
 * Renders a Score file with the engine alone (no provisioners): for workloads that declare no resources.
 * Provisioned rendering lives in generate.ts.
 */
export function renderScoreFile(absolutePath: string, displayName: string, options: RenderWorkloadOptions = {}): { objects: K8sObject[]; yaml: string; score: LoadedScore } {
  const score = loadScoreFile(absolutePath, displayName, undefined, options.serviceDir ?? dirname(absolutePath));
  const resources = Object.keys(score.workload.resources ?? {});
  if (resources.length > 0) {
    throw score.source.error(['resources', resources[0]!], 'resources need a provisioner library: use `score-nx generate <service> --env <environment>`');
  }
  const workload = applyImages(score, options.images ?? {});
  const serviceDir = options.serviceDir ?? dirname(absolutePath);
  return inScoreFile(score, () => {
    const converted = convertWorkload(workload, {
      instanceSuffix: instanceSuffix(workload.metadata.name, options.environment ?? 'default'),
      namespace: options.namespace,
      metadata: { ...(options.metadata ?? {}), ...workload.metadata },
      resources: {},
      readSource: (source, path) => readSourceInside(serviceDir, absolutePath, source, path),
    });
    const origin = `workload '${workload.metadata.name}'`;
    const objects = [...converted.configMaps, ...converted.services, converted.controller].map((object) => ({ object, origin }));
    return { ...renderManifests(objects), score };
  });
}

/** Replaces `image: "."` with the configured image; a `.` without one is an error. */
export function applyImages(score: LoadedScore, images: Record<string, string>): LoadedScore['workload'] {
  const containers = Object.fromEntries(
    Object.entries(score.workload.containers).map(([name, c]) => {
      if (c.image !== '.') return [name, c];
      // Own properties only: a container named `constructor` or `toString` must not find Object's methods.
      const image = Object.hasOwn(images, name) ? images[name] : undefined;
      if (!image) throw score.source.error(['containers', name, 'image'], `container '${name}' has image '.' and no image is configured for it`);
      return [name, { ...c, image }];
    }),
  );
  return { ...score.workload, containers };
}
