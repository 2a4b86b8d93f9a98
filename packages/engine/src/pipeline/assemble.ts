import { compareObjects, objectKey } from '../k8s';
import type { K8sObject } from '../k8s';
import { UserError } from '../errors';
import { toCanonicalYaml } from '../output/canonical-yaml';
import { isDeepStrictEqual } from 'node:util';

/** An object together with who produced it, for messages about conflicts. */
export interface SourcedObject {
  object: K8sObject;
  origin: string;
}

/**
 * Puts the objects of one render in canonical order. Identical objects (a shared resource rendered for two
 * workloads) are kept once; two different objects with the same identity are an error naming both producers,
 * where the reference silently keeps the later one.
 */
export function assembleObjects(objects: readonly SourcedObject[]): K8sObject[] {
  const byKey = new Map<string, SourcedObject>();
  for (const entry of objects) {
    const key = objectKey(entry.object);
    const existing = byKey.get(key);
    if (existing) {
      if (!isDeepStrictEqual(existing.object, entry.object)) {
        throw new UserError(`${entry.object.kind} '${entry.object.metadata.name}' is produced twice with different content: by ${existing.origin} and by ${entry.origin}`);
      }
      continue;
    }
    byKey.set(key, entry);
  }
  return [...byKey.values()].map((e) => e.object).sort(compareObjects);
}

export function renderManifests(objects: readonly SourcedObject[]): { objects: K8sObject[]; yaml: string } {
  const sorted = assembleObjects(objects);
  return { objects: sorted, yaml: toCanonicalYaml(sorted) };
}

export interface AssembleInput {
  /** The objects of the service (phase 3 and the engine's own). */
  objects: readonly SourcedObject[];
  /** The objects it shares with other services. */
  shared: readonly K8sObject[];
  /** Who the shared objects are attributed to in conflict messages. */
  sharedOrigin: string;
}

/** Assemble: the service's objects in canonical order and as canonical YAML, and its shared objects in order. */
export function assembleRender(input: AssembleInput): { objects: K8sObject[]; yaml: string; shared: K8sObject[] } {
  const { objects, yaml } = renderManifests(input.objects);
  return { objects, yaml, shared: assembleObjects(input.shared.map((object) => ({ object, origin: input.sharedOrigin }))) };
}
