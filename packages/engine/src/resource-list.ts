import { decodeSecretRefs } from './convert/secrets';
import { loadService } from './pipeline/load';
import type { LoadInput } from './pipeline/load';
import { placeAndProvision } from './pipeline/provision';
import { inScoreFile } from './score/load-score';
import { byCodeUnit } from './util/compare';

/** A secret reference in an output: the Secret's name and key, never its value (the engine never sees one). */
export interface ListedSecretRef {
  secretRef: { name: string; key: string };
}

/** One declared resource of a render, after provisioning (`score-nx resources`, score-k8s's `resources list`). */
export interface ListedResource {
  /** The name in the Score file. */
  name: string;
  uid: string;
  type: string;
  class: string;
  id?: string;
  /** The provisioner's folder in the library. */
  provisioner: string;
  /**
   * The outputs, keys sorted: a string that is one secret reference becomes `{secretRef: {name, key}}`, one that
   * embeds references shows each as `${secret:<name>/<key>}`.
   */
  outputs: Record<string, unknown>;
}

export interface ResourceListing {
  service: string;
  environment: string;
  namespace: string;
  libraryVersion: string;
  /** Sorted by name; two names sharing a uid are both listed. */
  resources: ListedResource[];
}

/** The resources of one service in one environment: the load, place and provision phases of a render, no more. */
export function listResources(req: LoadInput): ResourceListing {
  const loaded = loadService(req);
  return inScoreFile(loaded.score, () => {
    const { placed, provisioned } = placeAndProvision(loaded);
    const resources = [...provisioned.byName.entries()]
      .sort(([a], [b]) => byCodeUnit(a, b))
      .map(([name, state]): ListedResource => ({
        name,
        uid: state.uid,
        type: state.type,
        class: state.class,
        ...(state.id !== undefined ? { id: state.id } : {}),
        provisioner: state.provisioner.folder,
        outputs: showSecretRefs(state.outputs) as Record<string, unknown>,
      }));
    return { service: placed.name, environment: loaded.env.name, namespace: placed.namespace, libraryVersion: loaded.version, resources };
  });
}

function showSecretRefs(value: unknown): unknown {
  if (typeof value === 'string') {
    const parts = decodeSecretRefs(value);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only !== undefined && typeof only !== 'string') return { secretRef: only } satisfies ListedSecretRef;
    return parts.map((p) => (typeof p === 'string' ? p : `\${secret:${p.name}/${p.key}}`)).join('');
  }
  if (Array.isArray(value)) return value.map(showSecretRefs);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => byCodeUnit(a, b)).map(([k, v]) => [k, showSecretRefs(v)]));
  }
  return value;
}
