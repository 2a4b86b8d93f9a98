import type { ConvertedWorkload } from '../convert/workload';
import { assertNoSecretRefs } from '../convert/secrets';
import { withDefaults } from '../k8s';
import type { K8sObject } from '../k8s';
import { renderResourceManifests } from '../provisioners/runtime';
import { templateContext, withFinalWorkload } from '../provisioners/context';
import type { RenderContext } from '../provisioners/context';
import type { SourcedObject } from './assemble';
import type { PlacedWorkload } from './load';
import type { ProvisionedResources } from './provision';

export interface ManifestsInput {
  placed: PlacedWorkload;
  provisioned: ProvisionedResources;
  converted: ConvertedWorkload;
  /** The context of phase 1; phase 3 adds the final pod template to its workload part. */
  base: RenderContext;
}

export interface RenderedManifests {
  /** Objects of this service, with who produced each. */
  objects: SourcedObject[];
  /** Objects that belong to the platform's shared output (see sharing.ts), not to this service. */
  shared: K8sObject[];
}

/** Phase 3: the manifests of every resource, with the final pod template, and the engine's own objects. */
export function provisionerManifests(input: ManifestsInput): RenderedManifests {
  const { placed, provisioned, converted, base } = input;
  const { namespace, labels, sharing } = placed;
  const owner = provisioned.owner;
  const final = withFinalWorkload(base, converted.podTemplate, converted.kind, owner);
  const allOutputs = Object.fromEntries([...provisioned.byName.entries()].map(([n, s]) => [n, s.outputs]));
  const objects: SourcedObject[] = [];
  // Objects of resources whose id other services declare too, and the Namespace of a namespace they deploy into,
  // belong to the platform's shared output, not to this service.
  const shared: K8sObject[] = [];
  const sharedNamespace = sharing.namespaces.has(namespace);
  for (const state of provisioned.unique) {
    const context = templateContext(final, state, allOutputs, state.outputs);
    const origin = `resources.${state.name} (provisioner '${state.provisioner.folder}')`;
    for (const object of renderResourceManifests(state, context)) {
      assertNoSecretRefs(object, [], `${origin} ${object.kind} '${object.metadata.name}'`);
      const placedObject = withDefaults(object, namespace, labels);
      if (sharing.uids.has(state.uid) || (sharedNamespace && object.kind === 'Namespace' && object.metadata.name === namespace)) shared.push(placedObject);
      else objects.push({ object: placedObject, origin });
    }
  }
  const workloadOrigin = `workload '${placed.name}'`;
  const engineObjects = owner ? converted.configMaps : [...converted.configMaps, ...converted.services, converted.controller];
  for (const object of engineObjects) objects.push({ object: withDefaults(object, namespace, labels), origin: workloadOrigin });
  return { objects, shared };
}
