import { describe, expect, it } from 'vitest';
import { checkReferences } from './references';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const md = (name: string, labels?: Obj) => ({ name, namespace: 'shop', ...(labels ? { labels } : {}) });
const render = (): Obj[] => [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: md('web') },
  { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: md('web'), spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { serviceAccountName: 'web', containers: [{ name: 'web', image: 'web:1' }] } },
    strategy: { canary: { stableService: 'web', canaryService: 'web-canary', trafficRouting: { istio: { virtualServices: [{ name: 'web', routes: ['primary'] }] } } } },
  } },
  { apiVersion: 'v1', kind: 'Service', metadata: md('web', { app: 'web' }), spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: md('web-canary'), spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: md('web'), spec: { scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web' } } },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: md('web'), spec: { selector: { matchLabels: { app: 'web' } } } },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: md('web'), spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'http' }] } },
  { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: md('web'), spec: { gateways: ['mesh', 'istio-ingress/public-gateway'], http: [{ name: 'primary', route: [{ destination: { host: 'web.shop.svc.cluster.local', subset: 'stable' } }, { destination: { host: 'web-canary' } }, { destination: { host: 'api.example.com' } }] }] } },
  { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: md('web'), spec: { host: 'web.shop.svc.cluster.local', subsets: [{ name: 'stable' }] } },
  { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: md('web'), spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'platform-secrets' } } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: md('web') },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: md('web'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web' }, subjects: [{ kind: 'ServiceAccount', name: 'web' }] },
];
const PROVIDED = [{ kind: 'ClusterSecretStore', name: 'platform-secrets' }, { kind: 'Gateway', namespace: 'istio-ingress', name: 'public-gateway' }];
const find = (r: Obj[], kind: string, name = 'web') => r.find((o) => o.kind === kind && o.metadata.name === name)!;
const msgs = (r: Obj[], provided = PROVIDED) => checkReferences(r, provided).map((f) => [f.index, f.path, f.msg]);

describe('checkReferences', () => {
  it('a consistent render with the platform objects has no findings', () => {
    expect(msgs(render())).toEqual([]);
  });
  it('without the platform objects, the gateway and the store dangle, naming both objects', () => {
    expect(msgs(render(), [])).toEqual([
      [7, '/spec/gateways/1', 'VirtualService shop/web references Gateway istio-ingress/public-gateway, which is neither in the render nor provided by the platform'],
      [9, '/spec/secretStoreRef', 'ExternalSecret shop/web references ClusterSecretStore platform-secrets, which is neither in the render nor provided by the platform'],
    ]);
  });
  const CASES: [string, (r: Obj[]) => void, [number, string, string][]][] = [
    ['Service selecting no pods', (r) => (find(r, 'Service').spec.selector = { app: 'nope' }), [[2, '/spec/selector', 'Service shop/web selects no pod template of the render (selector {"app":"nope"})']]],
    ['Rollout canary service missing', (r) => (find(r, 'Rollout').spec.strategy.canary.canaryService = 'web-preview'), [[1, '/spec/strategy/canary/canaryService', 'Rollout shop/web references Service shop/web-preview, which is neither in the render nor provided by the platform']]],
    ['Rollout route not in the VirtualService', (r) => (find(r, 'Rollout').spec.strategy.canary.trafficRouting.istio.virtualServices[0].routes = ['main']), [[1, '/spec/strategy/canary/trafficRouting/istio/virtualServices/0/routes/0', "Rollout shop/web routes 'main' of VirtualService shop/web, which has no http route of that name"]]],
    ['HPA target missing', (r) => (find(r, 'HorizontalPodAutoscaler').spec.scaleTargetRef.kind = 'Deployment'), [[4, '/spec/scaleTargetRef', 'HorizontalPodAutoscaler shop/web references Deployment shop/web, which is neither in the render nor provided by the platform']]],
    ['PDB selecting no pods', (r) => (find(r, 'PodDisruptionBudget').spec.selector.matchLabels.app = 'api'), [[5, '/spec/selector', 'PodDisruptionBudget shop/web selects no pod template of the render']]],
    ['ServiceMonitor port not on the Service', (r) => (find(r, 'ServiceMonitor').spec.endpoints[0].port = 'metrics'), [[6, '/spec/endpoints/0/port', "ServiceMonitor shop/web scrapes port 'metrics', which no selected Service (Service shop/web) has"]]],
    ['ServiceMonitor selecting no Service', (r) => (find(r, 'ServiceMonitor').spec.selector.matchLabels.app = 'x'), [[6, '/spec/selector', 'ServiceMonitor shop/web selects no Service of the render']]],
    ['VirtualService host missing', (r) => (find(r, 'VirtualService').spec.http[0].route[1].destination.host = 'api'), [[7, '/spec/http/0/route/1/destination/host', 'VirtualService shop/web references Service shop/api, which is neither in the render nor provided by the platform']]],
    ['VirtualService subset missing', (r) => (find(r, 'VirtualService').spec.http[0].route[0].destination.subset = 'canary'), [[7, '/spec/http/0/route/0/destination/subset', "VirtualService shop/web routes to subset 'canary' of web.shop.svc.cluster.local, which no DestinationRule of the render defines"]]],
    ['DestinationRule host missing', (r) => (find(r, 'DestinationRule').spec.host = 'db.shop.svc.cluster.local'), [[7, '/spec/http/0/route/0/destination/subset', "VirtualService shop/web routes to subset 'stable' of web.shop.svc.cluster.local, which no DestinationRule of the render defines"], [8, '/spec/host', 'DestinationRule shop/web references Service shop/db, which is neither in the render nor provided by the platform']]],
    ['ExternalSecret store missing', (r) => (find(r, 'ExternalSecret').spec.secretStoreRef = { name: 'web-store' }), [[9, '/spec/secretStoreRef', 'ExternalSecret shop/web references SecretStore shop/web-store, which is neither in the render nor provided by the platform']]],
    ['RoleBinding subject missing', (r) => (find(r, 'RoleBinding').subjects[0].name = 'api'), [[11, '/subjects/0', 'RoleBinding shop/web references ServiceAccount shop/api, which is neither in the render nor provided by the platform']]],
    ['RoleBinding role missing', (r) => (find(r, 'RoleBinding').roleRef.name = 'admin'), [[11, '/roleRef', 'RoleBinding shop/web references Role shop/admin, which is neither in the render nor provided by the platform']]],
    ['service account missing', (r) => (find(r, 'Rollout').spec.template.spec.serviceAccountName = 'api'), [[1, '/spec/template/spec/serviceAccountName', 'Rollout shop/web references ServiceAccount shop/api, which is neither in the render nor provided by the platform']]],
  ];
  it.each(CASES)('%s', (_name, mutate, expected) => {
    const r = render();
    mutate(r);
    expect(msgs(r)).toEqual(expected);
  });
  it('a platform object scoped to another namespace does not satisfy the reference', () => {
    expect(msgs(render(), [{ kind: 'ClusterSecretStore', name: 'platform-secrets' }, { kind: 'Gateway', namespace: 'other', name: 'public-gateway' }])).toHaveLength(1);
  });
});
