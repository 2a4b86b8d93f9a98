import { DocumentError } from '../errors';
import { provisioningOrder } from '../provisioners/graph';
import type { Library } from '../provisioners/library';
import { provisionResource, resourceUid } from '../provisioners/runtime';
import type { ProvisionedResourceState } from '../provisioners/runtime';
import { renderContext } from '../provisioners/context';
import type { RenderContext } from '../provisioners/context';
import { placeWorkload } from './load';
import type { LoadedService, PlacedWorkload } from './load';
import { sortKeys } from '../output/canonical-yaml';
import type { ScoreWorkload } from '../score/types';

export interface ProvisionInput {
  library: Library;
  workload: ScoreWorkload;
  /** Metadata visible to `${metadata.*}` in params. */
  metadata: Record<string, unknown>;
  /** The context every template of the render sees, before resources are added. */
  base: RenderContext;
}

export interface ProvisionedResources {
  /** Every declared resource by its name in score.yaml; names sharing a uid share one state. */
  byName: Map<string, ProvisionedResourceState>;
  /** One state per uid, in provisioning order. */
  unique: ProvisionedResourceState[];
  /** The resource whose provisioner owns the workload, if any. */
  owner: ProvisionedResourceState | undefined;
}

export interface PlacedAndProvisioned {
  placed: PlacedWorkload;
  /** The context every template of the render sees, before resources are added. */
  base: RenderContext;
  provisioned: ProvisionedResources;
}

/** The workload placed in its environment, then phase 1: what a render and a resource listing share. */
export function placeAndProvision(loaded: LoadedService): PlacedAndProvisioned {
  const placed = placeWorkload(loaded);
  const base = renderContext(placed, loaded.env);
  const provisioned = provisionResources({ library: loaded.library, workload: placed.workload, metadata: placed.metadata, base });
  return { placed, base, provisioned };
}

/** Phase 1: resources in provisioning order; shared resources (same uid) are provisioned once. */
export function provisionResources(input: ProvisionInput): ProvisionedResources {
  const { library, workload, metadata, base } = input;
  const name = workload.metadata.name;
  const declared = workload.resources ?? {};
  const byName = new Map<string, ProvisionedResourceState>();
  const byUid = new Map<string, ProvisionedResourceState>();
  // The declared params (before substitution and defaults) of each uid's first declaration, key order aside.
  const declaredParams = new Map<string, string>();
  // Outputs by name, grown as resources are provisioned (rebuilding it for each resource made the render quadratic).
  // Defined, not assigned, so that a name such as `__proto__` is an own key like any other.
  const outputsByName: Record<string, Record<string, unknown>> = {};
  const provisioned = (resName: string, state: ProvisionedResourceState) => {
    byName.set(resName, state);
    Object.defineProperty(outputsByName, resName, { value: state.outputs, enumerable: true, writable: false, configurable: false });
  };
  for (const resName of provisioningOrder(declared)) {
    const decl = declared[resName]!;
    const uid = resourceUid(name, resName, decl);
    const shared = byUid.get(uid);
    if (shared) {
      if (decl.params !== undefined && declaredParams.get(uid) !== JSON.stringify(sortKeys(decl.params))) {
        throw new DocumentError(['resources', resName, 'params'], `resource '${uid}' is declared twice (as '${shared.name}' and '${resName}') with different params`);
      }
      provisioned(resName, shared);
      continue;
    }
    const state = provisionResource({ library, name: resName, declared: decl, uid, placeholderMetadata: metadata, outputsByName, baseContext: base });
    provisioned(resName, state);
    byUid.set(uid, state);
    declaredParams.set(uid, JSON.stringify(sortKeys(decl.params ?? {})));
  }
  const unique = [...byUid.values()];
  const owners = unique.filter((s) => s.provisioner.ownsWorkload);
  if (owners.length > 1) {
    throw new DocumentError(['resources', owners[1]!.name], `only one resource may own the workload, and '${owners[0]!.name}' (${owners[0]!.type}) already does`);
  }
  return { byName, unique, owner: owners[0] };
}
