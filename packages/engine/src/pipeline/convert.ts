import { relative, resolve } from 'node:path';
import { convertWorkload } from '../convert/workload';
import type { ConvertedWorkload } from '../convert/workload';
import { applyWorkloadPatches } from '../provisioners/runtime';
import type { LoadedService, PlacedWorkload } from './load';
import type { ProvisionedResources } from './provision';
import { readSourceInside } from '../util/files';

export interface ConvertInput {
  loaded: LoadedService;
  placed: PlacedWorkload;
  provisioned: ProvisionedResources;
}

/** Phase 2: the workload itself, with the outputs of its resources, then their patches and the standard labels. */
export function convertAndPatch(input: ConvertInput): ConvertedWorkload {
  const { loaded, placed, provisioned } = input;
  const converted = convertWorkload(placed.workload, {
    instanceSuffix: placed.instanceSuffix,
    namespace: placed.namespace,
    metadata: placed.metadata,
    resources: Object.fromEntries([...provisioned.byName.entries()].map(([n, s]) => [n, { uid: s.uid, provisioner: s.provisioner.folder, outputs: s.outputs }])),
    readSource: (source, path) => {
      const content = readSourceInside(loaded.serviceDir, loaded.score.absolutePath, source, path);
      placed.inputs.add(relative(loaded.root, resolve(loaded.serviceDir, source)).split('\\').join('/'));
      return content;
    },
  });
  applyWorkloadPatches(converted.podTemplate, provisioned.unique);
  Object.assign(converted.podTemplate.metadata.labels, placed.labels);
  applyContainerSecurityContext(converted.podTemplate.spec, loaded.library.containerSecurityContext);
  return converted;
}

/**
 * The library's container securityContext on every container of the pod template (Score has no such field, so
 * nothing from a Score file is overridden); Rollouts and Jobs built from the pod template inherit it.
 */
function applyContainerSecurityContext(podSpec: Record<string, unknown>, securityContext: Record<string, unknown>): void {
  if (Object.keys(securityContext).length === 0) return;
  for (const container of podSpec['containers'] as Record<string, unknown>[]) {
    container['securityContext'] = { ...securityContext, ...((container['securityContext'] as Record<string, unknown> | undefined) ?? {}) };
  }
}
