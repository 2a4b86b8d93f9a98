import { DocumentError } from '../errors';
import type { DocPath } from '../errors';
import { KIND_ANNOTATION } from '../k8s';
import type { ScoreContainer } from '../score/types';
import { byCodeUnit } from '../util/compare';
import { shortHash } from '../util/hash';
import { substituteAt } from './substitute';
import { decodeVolumeOutput } from './volume-source';
import type { Resolver } from './substitute';

/** A resource of the workload as the conversion sees it: its unique id, its provisioner and the outputs it returned. */
export interface ProvisionedResource {
  uid: string;
  /** The provisioner's folder in the library, for errors about its outputs. */
  provisioner: string;
  outputs: Record<string, unknown>;
}

export interface VolumesInput {
  container: ScoreContainer;
  containerName: string;
  kind: 'Deployment' | 'StatefulSet';
  resources: Record<string, ProvisionedResource>;
  resolve: Resolver;
  /** Where the container is in score.yaml. */
  path: DocPath;
}

/** What a container's `volumes` become: its mounts, pod volumes, and (stateful sets) volume claim templates. */
export interface ConvertedVolumes {
  mounts: Record<string, unknown>[];
  volumes: Record<string, unknown>[];
  claimTemplates: Record<string, unknown>[];
}

/**
 * A container's `volumes`, each from a resource whose outputs are a pod volume `source` or a `claimSpec` (as
 * score-k8s's convertContainerVolume returns a mount and a volume or a claim). The output is decoded strictly as a
 * Kubernetes VolumeSource / PersistentVolumeClaimSpec (see volume-source.ts); an error names the resource and its
 * provisioner, at the volume's `source` in score.yaml. Mounts leave out what the API server drops: `readOnly: false`
 * and an empty `subPath`.
 */
export function convertVolumes(input: VolumesInput): ConvertedVolumes {
  const { container, containerName, kind, path } = input;
  const out: ConvertedVolumes = { mounts: [], volumes: [], claimTemplates: [] };
  const volumes = container.volumes ?? {};
  for (const target of Object.keys(volumes).sort(byCodeUnit)) {
    const volume = volumes[target]!;
    const volPath: DocPath = [...path, 'volumes', target, 'source'];
    const resource = resolveVolumeSource(volume.source, input.resources, input.resolve, volPath);
    const fail = (detail: string): never => {
      throw new DocumentError(volPath, `resource '${resource.uid}' (provisioner '${resource.provisioner}') outputs cannot be used as a volume: ${detail}`);
    };
    const outputs = resource.outputs;
    const extra = Object.keys(outputs).filter((k) => k !== 'source' && k !== 'claimSpec');
    if (extra.length > 0) fail(`unknown output '${extra[0]}' (expected 'source' or 'claimSpec')`);
    const hasSource = outputs['source'] !== undefined;
    const hasClaim = outputs['claimSpec'] !== undefined;
    if (hasSource === hasClaim) fail("either 'source' or 'claimSpec' required");
    const output = hasSource ? 'source' : 'claimSpec';
    if (isEmptyRecord(outputs[output]) || outputs[output] === null) fail(`${output} is empty`);
    const decoded = decodeVolumeOutput(output, outputs[output]);
    if ('error' in decoded) return fail(decoded.error);
    const name = `vol-${shortHash([containerName, target])}`;
    if (output === 'source') {
      out.volumes.push({ name, ...decoded.value });
    } else {
      if (kind !== 'StatefulSet') {
        throw new DocumentError(volPath, `resource '${resource.uid}' (provisioner '${resource.provisioner}') provides a volume claim, and volume claims can only be set on stateful sets (annotation ${KIND_ANNOTATION}: StatefulSet)`);
      }
      out.claimTemplates.push({ metadata: { name }, spec: decoded.value });
    }
    out.mounts.push({
      name,
      mountPath: target,
      ...(volume.path ? { subPath: volume.path } : {}),
      ...(volume.readOnly ? { readOnly: true } : {}),
    });
  }
  return out;
}

function resolveVolumeSource(source: string, resources: Record<string, ProvisionedResource>, resolve: Resolver, path: DocPath): ProvisionedResource {
  // `${resources.<name>}` (exactly two parts) names the resource itself; anything else is substituted normally
  // and must then be a resource uid.
  const whole = /^\$\{resources\.([^.}]+)\}$/.exec(source);
  if (whole) {
    const resource = Object.hasOwn(resources, whole[1]!) ? resources[whole[1]!] : undefined;
    if (!resource) throw new DocumentError(path, `invalid ref 'resources.${whole[1]}': no known resource '${whole[1]}'`);
    return resource;
  }
  const resolved = substituteAt(source, resolve, path);
  const byUid = Object.values(resources).find((r) => r.uid === resolved);
  if (!byUid) throw new DocumentError(path, `resource '${resolved}' does not exist`);
  return byUid;
}

function isEmptyRecord(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}
