import { parseAllDocuments } from 'yaml';
import { byCodeUnit } from './util/compare';

/**
 * The workspace check: in each environment, every object has one owner (one render emits it) and every hostname
 * one service. Two Argo CD Applications that track the same object fight over it, and two services that claim one
 * hostname split or steal each other's traffic; neither is visible from one service's render.
 */

export interface RenderedOutput {
  env: string;
  /** The service (or `_shared`) the output belongs to. */
  owner: string;
  /** Path for messages (workspace-relative). */
  file: string;
  content: string;
}

interface Claim {
  owner: string;
  file: string;
}

interface Manifest {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: Record<string, unknown>;
}

/** Every problem found, one line each, sorted; empty when the workspace is consistent. */
export function checkOwnership(outputs: readonly RenderedOutput[]): string[] {
  const problems: string[] = [];
  const byEnv = new Map<string, RenderedOutput[]>();
  for (const o of outputs) byEnv.set(o.env, [...(byEnv.get(o.env) ?? []), o]);
  for (const [env, renders] of [...byEnv].sort(([a], [b]) => byCodeUnit(a, b))) {
    const objects = new Map<string, Claim[]>();
    const hosts = new Map<string, Claim[]>();
    for (const r of renders) {
      const docs = parseAllDocuments(r.content);
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        const o = doc.toJS() as Manifest | null;
        if (!o || typeof o.kind !== 'string') continue;
        const claim = (map: Map<string, Claim[]>, key: string) => {
          const list = map.get(key) ?? [];
          if (!list.some((c) => c.owner === r.owner)) map.set(key, [...list, { owner: r.owner, file: r.file }]);
        };
        claim(objects, identity(o));
        for (const host of hostnames(o)) claim(hosts, host);
      }
    }
    for (const [key, claims] of objects) if (claims.length > 1) problems.push(`${env}: ${key} is emitted by ${describe(claims)}`);
    for (const [host, claims] of hosts) if (claims.length > 1) problems.push(`${env}: hostname ${host} is claimed by ${describe(claims)}`);
  }
  return problems.sort();
}

function describe(claims: readonly Claim[]): string {
  return claims.map((c) => `${c.owner} (${c.file})`).join(' and ');
}

/** group, kind, namespace and name: what Kubernetes (and Argo CD's tracking) tells objects apart by. */
function identity(o: Manifest): string {
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : 'core';
  const ns = typeof o.metadata?.namespace === 'string' ? `${o.metadata.namespace}/` : '';
  return `${o.kind}.${group} ${ns}${String(o.metadata?.name ?? '')}`;
}

/** The hostnames an object routes: Istio VirtualService and Gateway hosts, Ingress rules, Gateway API routes. */
function hostnames(o: Manifest): string[] {
  const spec = o.spec ?? {};
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((h): h is string => typeof h === 'string') : []);
  // Hosts that name mesh-internal services route within the mesh and may be shared by design.
  const external = (h: string) => h.includes('.') && !h.endsWith('.svc.cluster.local') && !h.startsWith('*');
  let found: string[] = [];
  if (o.kind === 'VirtualService') found = strings(spec['hosts']);
  else if (o.kind === 'Ingress') found = (Array.isArray(spec['rules']) ? spec['rules'] : []).map((r: { host?: unknown }) => r?.host).filter((h): h is string => typeof h === 'string');
  else if (o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute') found = strings(spec['hostnames']);
  return [...new Set(found.filter(external))];
}
