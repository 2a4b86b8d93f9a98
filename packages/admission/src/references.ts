/**
 * Cross-object references within one render: what each object names must be in the same render or be an
 * object the platform provides in that environment (policies/platform-objects.yaml). The API server does not
 * check these on create, but the controllers fail on them later (an empty Service, a Rollout that never
 * becomes healthy, an ExternalSecret that never syncs), which is worse than a refused sync.
 */
import type { Finding } from './finding';
import { selectorMatches } from './native';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** An object the platform installs; no namespace matches every namespace (and cluster-scoped kinds). */
export interface ProvidedObject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface RenderFinding extends Finding {
  /** Index of the referring object in the render's documents. */
  index: number;
}

interface Entry {
  index: number;
  kind: string;
  name: string;
  namespace: string;
  obj: Obj;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout', 'Job']);
const ptr = (segs: (string | number)[]) => segs.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

export function checkReferences(objects: unknown[], provided: ProvidedObject[] = []): RenderFinding[] {
  const entries: Entry[] = [];
  objects.forEach((o, index) => {
    if (!isObj(o) || !isObj(o.metadata)) return;
    const name = str(o.metadata.name);
    if (!name || typeof o.kind !== 'string') return;
    entries.push({ index, kind: o.kind, name, namespace: str(o.metadata.namespace) ?? '', obj: o });
  });
  const out: RenderFinding[] = [];
  const find = (kind: string, name: string, namespace: string) => entries.find((e) => e.kind === kind && e.name === name && (e.namespace === namespace || e.namespace === ''));
  const isProvided = (kind: string, name: string, namespace: string) => provided.some((p) => p.kind === kind && p.name === name && (p.namespace === undefined || p.namespace === namespace));
  const id = (e: { kind: string; name: string; namespace: string }) => `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`;
  const dangling = (from: Entry, path: (string | number)[], kind: string, name: string, namespace: string, rule: string) => {
    if (find(kind, name, namespace) || isProvided(kind, name, namespace)) return;
    out.push({
      index: from.index,
      source: 'reference',
      path: ptr(path),
      rule,
      msg: `${id(from)} references ${id({ kind, name, namespace })}, which is neither in the render nor provided by the platform`,
    });
  };
  const templates = entries.filter((e) => WORKLOADS.has(e.kind)).map((e) => {
    const spec = isObj(e.obj.spec) ? e.obj.spec : {};
    const tpl = isObj(spec.template) ? spec.template : {};
    return { e, labels: isObj(tpl.metadata) && isObj(tpl.metadata.labels) ? (tpl.metadata.labels as Obj) : {} };
  });
  const selectsPods = (namespace: string, sel: Obj) => templates.some((t) => t.e.namespace === namespace && selectorMatches(sel, t.labels));
  const services = entries.filter((e) => e.kind === 'Service');
  /** host of an Istio destination → the Service it names, when it names one of the cluster. */
  const serviceOfHost = (host: string, namespace: string): { name: string; namespace: string } | undefined => {
    const m = /^([a-z0-9-]+)(?:\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?)?$/.exec(host);
    if (!m) return undefined;
    if (m[2] === undefined && host.includes('.')) return undefined;
    return { name: m[1]!, namespace: m[2] ?? namespace };
  };

  for (const e of entries) {
    const spec = isObj(e.obj.spec) ? e.obj.spec : {};
    switch (e.kind) {
      case 'Service': {
        const sel = spec.selector;
        if (isObj(sel) && Object.keys(sel).length > 0 && !selectsPods(e.namespace, { matchLabels: sel })) {
          out.push({ index: e.index, source: 'reference', path: '/spec/selector', rule: 'Service.spec.selector', msg: `${id(e)} selects no pod template of the render (selector ${JSON.stringify(sel)})` });
        }
        break;
      }
      case 'PodDisruptionBudget':
        if (isObj(spec.selector) && !selectsPods(e.namespace, spec.selector)) {
          out.push({ index: e.index, source: 'reference', path: '/spec/selector', rule: 'PodDisruptionBudget.spec.selector', msg: `${id(e)} selects no pod template of the render` });
        }
        break;
      case 'HorizontalPodAutoscaler': {
        const ref = isObj(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
        if (str(ref.kind) && str(ref.name)) dangling(e, ['spec', 'scaleTargetRef'], ref.kind as string, ref.name as string, e.namespace, 'HorizontalPodAutoscaler.spec.scaleTargetRef');
        break;
      }
      case 'Rollout': {
        const strategy = isObj(spec.strategy) ? spec.strategy : {};
        for (const [s, fields] of [['canary', ['canaryService', 'stableService']], ['blueGreen', ['activeService', 'previewService']]] as const) {
          const st = strategy[s];
          if (!isObj(st)) continue;
          for (const f of fields) if (str(st[f])) dangling(e, ['spec', 'strategy', s, f], 'Service', st[f] as string, e.namespace, `Rollout.spec.strategy.${s}.${f}`);
          const tr = isObj(st.trafficRouting) && isObj(st.trafficRouting.istio) ? st.trafficRouting.istio : undefined;
          arr(tr?.virtualServices).forEach((vs, i) => {
            if (!isObj(vs) || !str(vs.name)) return;
            const path = ['spec', 'strategy', s, 'trafficRouting', 'istio', 'virtualServices', i];
            dangling(e, [...path, 'name'], 'VirtualService', vs.name as string, e.namespace, 'Rollout trafficRouting.istio.virtualServices');
            const target = find('VirtualService', vs.name as string, e.namespace);
            if (!target) return;
            const routeNames = new Set(arr(isObj(target.obj.spec) ? target.obj.spec.http : []).map((h) => (isObj(h) ? h.name : undefined)));
            arr(vs.routes).forEach((r, j) => {
              if (typeof r === 'string' && !routeNames.has(r)) {
                out.push({ index: e.index, source: 'reference', path: ptr([...path, 'routes', j]), rule: 'Rollout trafficRouting.istio.virtualServices.routes', msg: `${id(e)} routes '${r}' of ${id(target)}, which has no http route of that name` });
              }
            });
          });
        }
        const sa = isObj(spec.template) && isObj(spec.template.spec) ? str(spec.template.spec.serviceAccountName) : undefined;
        if (sa && sa !== 'default') dangling(e, ['spec', 'template', 'spec', 'serviceAccountName'], 'ServiceAccount', sa, e.namespace, 'serviceAccountName');
        break;
      }
      case 'Deployment':
      case 'StatefulSet':
      case 'Job': {
        const sa = isObj(spec.template) && isObj(spec.template.spec) ? str(spec.template.spec.serviceAccountName) : undefined;
        if (sa && sa !== 'default') dangling(e, ['spec', 'template', 'spec', 'serviceAccountName'], 'ServiceAccount', sa, e.namespace, 'serviceAccountName');
        break;
      }
      case 'ServiceMonitor': {
        const ns = isObj(spec.namespaceSelector) ? spec.namespaceSelector : {};
        const namespaces = ns.any === true ? undefined : arr(ns.matchNames).length > 0 ? arr(ns.matchNames).map(String) : [e.namespace];
        const sel = isObj(spec.selector) ? spec.selector : {};
        const selected = services.filter((s) => (namespaces === undefined || namespaces.includes(s.namespace)) && selectorMatches(sel, isObj(s.obj.metadata) && isObj(s.obj.metadata.labels) ? (s.obj.metadata.labels as Obj) : {}));
        if (selected.length === 0) {
          out.push({ index: e.index, source: 'reference', path: '/spec/selector', rule: 'ServiceMonitor.spec.selector', msg: `${id(e)} selects no Service of the render` });
          break;
        }
        const portNames = new Set(selected.flatMap((s) => arr(isObj(s.obj.spec) ? s.obj.spec.ports : []).map((p) => (isObj(p) ? p.name : undefined))));
        arr(spec.endpoints).forEach((ep, i) => {
          if (isObj(ep) && typeof ep.port === 'string' && !portNames.has(ep.port)) {
            out.push({ index: e.index, source: 'reference', path: ptr(['spec', 'endpoints', i, 'port']), rule: 'ServiceMonitor.spec.endpoints.port', msg: `${id(e)} scrapes port '${ep.port}', which no selected Service (${selected.map(id).join(', ')}) has` });
          }
        });
        break;
      }
      case 'VirtualService': {
        arr(spec.gateways).forEach((g, i) => {
          if (typeof g !== 'string' || g === 'mesh') return;
          const [gns, gname] = g.includes('/') ? g.split('/') : [e.namespace, g];
          dangling(e, ['spec', 'gateways', i], 'Gateway', gname!, gns!, 'VirtualService.spec.gateways');
        });
        arr(spec.http).forEach((h, i) => {
          arr(isObj(h) ? h.route : []).forEach((r, j) => {
            const d = isObj(r) && isObj(r.destination) ? r.destination : undefined;
            const host = d ? str(d.host) : undefined;
            if (!d || !host) return;
            const svc = serviceOfHost(host, e.namespace);
            const path = ['spec', 'http', i, 'route', j, 'destination'];
            if (svc) dangling(e, [...path, 'host'], 'Service', svc.name, svc.namespace, 'VirtualService destination host');
            const subset = str(d.subset);
            if (!subset) return;
            const rules = entries.filter((x) => x.kind === 'DestinationRule' && isObj(x.obj.spec) && x.obj.spec.host === host);
            const has = rules.some((x) => arr((x.obj.spec as Obj).subsets).some((s) => isObj(s) && s.name === subset));
            if (!has) out.push({ index: e.index, source: 'reference', path: ptr([...path, 'subset']), rule: 'VirtualService destination subset', msg: `${id(e)} routes to subset '${subset}' of ${host}, which no DestinationRule of the render defines` });
          });
        });
        break;
      }
      case 'DestinationRule': {
        const host = str(spec.host);
        const svc = host ? serviceOfHost(host, e.namespace) : undefined;
        if (svc) dangling(e, ['spec', 'host'], 'Service', svc.name, svc.namespace, 'DestinationRule.spec.host');
        break;
      }
      case 'ExternalSecret': {
        const ref = isObj(spec.secretStoreRef) ? spec.secretStoreRef : {};
        const kind = str(ref.kind) ?? 'SecretStore';
        if (str(ref.name)) dangling(e, ['spec', 'secretStoreRef'], kind, ref.name as string, kind === 'ClusterSecretStore' ? '' : e.namespace, 'ExternalSecret.spec.secretStoreRef');
        break;
      }
      case 'RoleBinding': {
        const ref = isObj(e.obj.roleRef) ? e.obj.roleRef : {};
        if (str(ref.kind) && str(ref.name)) dangling(e, ['roleRef'], ref.kind as string, ref.name as string, ref.kind === 'ClusterRole' ? '' : e.namespace, 'RoleBinding.roleRef');
        arr(e.obj.subjects).forEach((s, i) => {
          if (isObj(s) && s.kind === 'ServiceAccount' && str(s.name)) dangling(e, ['subjects', i], 'ServiceAccount', s.name as string, str(s.namespace) ?? e.namespace, 'RoleBinding.subjects');
        });
        break;
      }
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
