import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, expectServiceTarget, expectValidHostname, goldenYaml } from '../test-support/networking';
import { renderIn } from '../test-support/environments';

const LABELS = {
  'app.kubernetes.io/component': 'networking',
  'app.kubernetes.io/instance': 'shop-b753943597',
  'app.kubernetes.io/managed-by': 'score-nx',
  'app.kubernetes.io/name': 'shop',
  'platform.example.com/namespace': 'payments',
  'platform.example.com/system': 'checkout',
};
const WAVE0 = { 'argocd.argoproj.io/sync-wave': '0' };
const SELECTOR = { 'app.kubernetes.io/instance': 'shop-b753943597' };

const networking = (params: Record<string, unknown>) => ({ type: 'basic', params });
const publicShop = score({
  resources: {
    deployment: { type: 'blue-green' },
    networking: networking({ ingress: { type: 'public' }, aliases: ['pay', 'shop'], privateRoutes: ['/healthz', '/internal/'], egress: { allowAll: true } }),
  },
});

const sharedGatewayShop = score({
  resources: {
    deployment: { type: 'blue-green' },
    networking: networking({ ingress: { type: 'public' }, aliases: ['pay', 'shop'], privateRoutes: ['/healthz', '/internal/'], egress: { allowAll: true }, gateway: 'shared' }),
  },
});

const route = (host: string, port = 80) => [{ destination: { host, port: { number: port } } }];
const RETRIES = { attempts: 2, retryOn: 'connect-failure,refused-stream' };

describe('basic', () => {
  it('golden: public ingress with aliases and private routes behind a blue-green owner (dev, prod)', async () => {
    for (const env of ['dev', 'prod']) {
      await expect(goldenYaml(byComponent(render(publicShop, env).objects, 'networking'))).toMatchFileSnapshot(`__golden__/public.${env}.yaml`);
    }
  });

  it('public, gateway shared: VirtualService on the shared public gateway, private routes answered 404 ahead of the catch-all', () => {
    const { objects } = render(sharedGatewayShop);
    expect(objects.filter((o) => o.kind === 'Gateway')).toEqual([]);
    expect(findObject(objects, 'VirtualService', 'shop-public')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'shop-public', namespace: 'payments', labels: LABELS, annotations: WAVE0 },
      spec: {
        hosts: ['shop.dev.example.com', 'pay.dev.example.com'],
        gateways: ['istio-ingress/public-gateway'],
        exportTo: ['.', 'istio-ingress'],
        http: [
          { name: 'private-routes', match: [{ uri: { exact: '/healthz' } }, { uri: { prefix: '/healthz/' } }, { uri: { prefix: '/internal/' } }], directResponse: { status: 404 } },
          { name: 'primary', route: route('shop.payments.svc.cluster.local'), timeout: '30s', retries: RETRIES },
        ],
      },
    });
    expect(at(findObject(objects, 'VirtualService', 'shop-private'), 'spec')).toEqual({
      hosts: ['shop.dev.internal.example.com', 'pay.dev.internal.example.com'],
      gateways: ['istio-ingress/private-gateway'],
      exportTo: ['.', 'istio-ingress'],
      http: [{ name: 'primary', route: route('shop.payments.svc.cluster.local'), timeout: '30s', retries: RETRIES }],
    });
    expect(at(findObject(objects, 'VirtualService', 'shop-private-preview'), 'spec')).toEqual({
      hosts: ['shop-preview.dev.internal.example.com'],
      gateways: ['istio-ingress/private-gateway'],
      exportTo: ['.', 'istio-ingress'],
      http: [{ name: 'preview', route: route('shop-preview.payments.svc.cluster.local'), timeout: '30s' }],
    });
    expect(findObject(objects, 'AuthorizationPolicy', 'shop-deny-private-routes')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'shop-deny-private-routes', namespace: 'payments', labels: LABELS, annotations: WAVE0 },
      spec: {
        selector: { matchLabels: SELECTOR },
        action: 'DENY',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/public-gateway'] } }], to: [{ operation: { paths: ['/healthz', '/healthz/*', '/internal/*'] } }] }],
      },
    });
    expect(findObject(objects, 'DestinationRule', 'shop')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'shop', namespace: 'payments', labels: LABELS, annotations: WAVE0 },
      spec: {
        host: 'shop.payments.svc.cluster.local',
        trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' }, outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '30s', maxEjectionPercent: 50 } },
      },
    });
    expect(at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec')).toEqual({
      podSelector: { matchLabels: SELECTOR },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
        { from: [{ namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } }, { namespaceSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }] } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      ],
      egress: [{}],
    });
  });

  it('public, gateway own (default): the service Gateways hold exactly its hosts, on the ingress gateway pods, with the environment TLS credential', () => {
    const { objects } = render(publicShop);
    const server = (name: string, hosts: string[], credentialName: string) => [
      { port: { number: 443, name: `https-${name}`, protocol: 'HTTPS' }, hosts, tls: { mode: 'SIMPLE', credentialName } },
      { port: { number: 80, name: `http-${name}`, protocol: 'HTTP' }, hosts, tls: { httpsRedirect: true } },
    ];
    expect(findObject(objects, 'Gateway', 'shop-public')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'shop-public', namespace: 'payments', labels: LABELS, annotations: WAVE0 },
      spec: { selector: { istio: 'public-ingressgateway' }, servers: server('shop-public', ['shop.dev.example.com', 'pay.dev.example.com'], 'dev-example-com-wildcard-tls') },
    });
    // the private Gateway also holds the owner's test host (blue-green preview)
    expect(at(findObject(objects, 'Gateway', 'shop-private'), 'spec')).toEqual({
      selector: { istio: 'private-ingressgateway' },
      servers: server('shop-private', ['shop.dev.internal.example.com', 'pay.dev.internal.example.com', 'shop-preview.dev.internal.example.com'], 'internal-dev-example-com-wildcard-tls'),
    });
    expect(at(findObject(objects, 'VirtualService', 'shop-public'), 'spec', 'gateways')).toEqual(['payments/shop-public']);
    expect(at(findObject(objects, 'VirtualService', 'shop-private'), 'spec', 'gateways')).toEqual(['payments/shop-private']);
    expect(at(findObject(objects, 'VirtualService', 'shop-private-preview'), 'spec', 'gateways')).toEqual(['payments/shop-private']);
    // every gateway-bound host is served by the Gateway the VirtualService names
    for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
      const gateway = findObject(objects, 'Gateway', (at(vs, 'spec', 'gateways', 0) as string).split('/')[1]);
      expect(at(gateway, 'spec', 'servers', 0, 'hosts')).toEqual(expect.arrayContaining(at(vs, 'spec', 'hosts') as string[]));
    }
    // none: no Gateway; preview: the credential of the pull request's domain
    expect(render(score({ resources: { networking: networking({ ingress: { type: 'none' } }) } })).objects.filter((o) => o.kind === 'Gateway')).toEqual([]);
    const preview = findObject(renderIn(publicShop, 'preview').objects, 'Gateway', 'shop-public');
    expect(at(preview, 'spec', 'servers', 0)).toEqual({ port: { number: 443, name: 'https-shop-public', protocol: 'HTTPS' }, hosts: ['shop.pr-7.preview.example.com', 'pay.pr-7.preview.example.com'], tls: { mode: 'SIMPLE', credentialName: 'pr-7-preview-example-com-wildcard-tls' } });
  });

  it('prod uses the v1beta1 Istio APIs; preview hosts carry the pull request', () => {
    const prod = render(publicShop, 'prod').objects;
    expect(findObject(prod, 'VirtualService', 'shop-public').apiVersion).toBe('networking.istio.io/v1beta1');
    expect(findObject(prod, 'AuthorizationPolicy').apiVersion).toBe('security.istio.io/v1beta1');
    expect(at(findObject(prod, 'VirtualService', 'shop-public'), 'spec', 'hosts')).toEqual(['shop.example.com', 'pay.example.com']);
  });

  it('private: only the private gateway and internal hosts; no deny policy (private routes stay reachable there)', () => {
    const { objects } = render(score({ resources: { networking: networking({ ingress: { type: 'private' }, privateRoutes: ['/admin'] }) } }));
    expect(kinds(byComponent(objects, 'networking'))).toEqual(['NetworkPolicy/shop', 'DestinationRule/shop', 'Gateway/shop-private', 'VirtualService/shop-private']);
    const vs = findObject(objects, 'VirtualService', 'shop-private');
    expect(at(vs, 'spec', 'hosts')).toEqual(['shop.dev.internal.example.com']);
    expect(at(vs, 'spec', 'gateways')).toEqual(['payments/shop-private']);
    expect(at(findObject(objects, 'Gateway', 'shop-private'), 'spec', 'servers', 0, 'hosts')).toEqual(['shop.dev.internal.example.com']);
    // the engine's own Service (no owner) is the backend
    expectServiceTarget(objects, at(vs, 'spec', 'http', 0, 'route', 0, 'destination', 'host') as string, 80);
  });

  it('none, restricted egress, no ports: a worker gets a deny-all-ingress NetworkPolicy with DNS, istiod and Pod Identity egress', () => {
    const { objects } = render(score({ ports: {}, resources: { networking: networking({ ingress: { type: 'none' } }) } }));
    expect(kinds(byComponent(objects, 'networking'))).toEqual(['NetworkPolicy/shop']);
    expect(at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec')).toEqual({
      podSelector: { matchLabels: SELECTOR },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }], ports: [{ protocol: 'TCP', port: 15012 }] },
        { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: [{ protocol: 'TCP', port: 80 }] },
      ],
    });
  });

  it('canary owner: route `primary` lists stable and canary (100/0) so Argo Rollouts can split the gateway traffic', () => {
    const text = score({
      resources: {
        deployment: { type: 'canary', params: { virtualServices: [{ name: '${resources.networking.virtualService}', routes: ['primary'] }] } },
        networking: networking({ ingress: { type: 'public' } }),
      },
    });
    const { objects } = render(text);
    const primary = at(findObject(objects, 'VirtualService', 'shop-public'), 'spec', 'http', 0);
    expect(primary).toEqual({
      name: 'primary',
      route: [
        { destination: { host: 'shop.payments.svc.cluster.local', port: { number: 80 } }, weight: 100 },
        { destination: { host: 'shop-canary.payments.svc.cluster.local', port: { number: 80 } }, weight: 0 },
      ],
      timeout: '30s',
      retries: RETRIES,
    });
    expect(at(findObject(objects, 'Rollout'), 'spec', 'strategy', 'canary', 'trafficRouting', 'istio', 'virtualServices')).toEqual([
      { name: 'shop-canary', routes: ['primary'] },
      { name: 'shop-public', routes: ['primary'] },
    ]);
    expect(kinds(objects.filter((o) => o.kind === 'DestinationRule'))).toEqual(['DestinationRule/shop', 'DestinationRule/shop-canary']);
  });

  it('outputs: host, url, virtualServices for each ingress type', () => {
    const text = (type: string) => score({
      resources: {
        networking: networking({ ingress: { type } }),
        config: { type: 'configmap', params: { configData: { HOST: '${resources.networking.host}', URL: '${resources.networking.url}', VS: '${resources.networking.virtualServices}' } } },
      },
    });
    const data = (type: string) => findObject(render(text(type)).objects, 'ConfigMap', 'shop-config').data;
    expect(data('public')).toEqual({ HOST: 'shop.dev.example.com', URL: 'https://shop.dev.example.com', VS: '["shop-public","shop-private"]' });
    expect(data('private')).toEqual({ HOST: 'shop.dev.internal.example.com', URL: 'https://shop.dev.internal.example.com', VS: '["shop-private"]' });
    expect(data('none')).toEqual({ HOST: 'shop.payments.svc.cluster.local', URL: 'http://shop.payments.svc.cluster.local', VS: '[]' });
  });

  it('port param: routes to the named port; an unknown name fails', () => {
    const ports = { grpc: { port: 9000 }, web: { port: 8081, targetPort: 3000 } };
    const { objects } = render(score({ ports, resources: { networking: networking({ ingress: { type: 'private' }, port: 'web' }) } }));
    expect(at(findObject(objects, 'VirtualService'), 'spec', 'http', 0, 'route')).toEqual(route('shop.payments.svc.cluster.local', 8081));
    // without `http`, the first port by name; the NetworkPolicy opens every container port
    const first = render(score({ ports, resources: { networking: networking({ ingress: { type: 'private' } }) } })).objects;
    expect(at(findObject(first, 'VirtualService'), 'spec', 'http', 0, 'route')).toEqual(route('shop.payments.svc.cluster.local', 9000));
    expect(at(findObject(first, 'NetworkPolicy'), 'spec', 'ingress', 0, 'ports')).toEqual([{ protocol: 'TCP', port: 9000 }, { protocol: 'TCP', port: 3000 }]);
    expect(renderError(score({ resources: { networking: networking({ ingress: { type: 'public' }, port: 'metrics' }) } }))).toBe(
      "services/svc/score.yaml:28:5: resources.networking: provisioner 'basic' (manifests.yaml.njk): line 16, column 39: basic: port 'metrics' is not in service.ports",
    );
    expect(renderError(score({ ports: {}, resources: { networking: networking({ ingress: { type: 'public' } }) } }))).toContain(
      "basic: ingress needs service.ports in the Score file (the gateways route to the workload's Service)",
    );
  });

  it('params validation: exact messages with positions', () => {
    const text = score({ resources: { networking: networking({ ingress: { type: 'internal' } }) } });
    expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'type": "internal')}: resources.networking.params.ingress.type: must be one of 'public', 'private' or 'none'`);
    const missing = score({ resources: { networking: networking({ aliases: [] }) } });
    expect(renderError(missing)).toBe(`services/svc/score.yaml:${positionOf(missing, 'params')}: resources.networking.params: missing required field 'ingress'`);
    const unknown = score({ resources: { networking: networking({ ingress: { type: 'public' }, egress: { allowAll: true, cidrs: [] } }) } });
    expect(renderError(unknown)).toBe(`services/svc/score.yaml:${positionOf(unknown, 'cidrs')}: resources.networking.params.egress.cidrs: unknown field 'cidrs'`);
  });

  it('injection: every string param is a DNS label, path, port name or duration, so such values are rejected with the position', () => {
    for (const bad of INJECTIONS) {
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [{ ingress: { type: 'public' }, aliases: [bad] }, 'aliases', 'aliases[0]: must match pattern ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'],
        [{ ingress: { type: 'public' }, privateRoutes: [bad] }, 'privateRoutes', `privateRoutes[0]: must match pattern ^/[-A-Za-z0-9._~%!$&'()+,;=:@/]*$`],
        [{ ingress: { type: 'public' }, port: bad }, 'port', 'port: must match pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'],
        [{ ingress: { type: 'public' }, timeout: bad }, 'timeout', 'timeout: must match pattern ^[0-9]+(ms|s|m|h)$'],
        [{ ingress: { type: bad } }, 'type', "ingress.type: must be one of 'public', 'private' or 'none'"],
      ];
      for (const [params, key, message] of cases) {
        const text = score({ resources: { networking: networking(params) } });
        const pos = positionOf(text, key === 'type' || key === 'port' || key === 'timeout' ? `${key}": ${JSON.stringify(bad).slice(0, -1)}` : key);
        // arrays report the element's position: one line below the key, indented
        const expected = Array.isArray(params[key]) ? `${Number(pos.split(':')[0]) + 1}:${Number(pos.split(':')[1]) + 2}` : pos;
        expect(renderError(text)).toBe(`services/svc/score.yaml:${expected}: resources.networking.params.${message}`);
      }
    }
  });

  it('cross-object: hosts and destinations name existing Services and ports; the NetworkPolicy selects the pods', () => {
    const { objects } = render(publicShop);
    const pods = at(findObject(objects, 'Rollout'), 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    for (const vs of objects.filter((o) => o.kind === 'VirtualService' && o.metadata.labels?.['app.kubernetes.io/component'] === 'networking')) {
      for (const host of at(vs, 'spec', 'hosts') as string[]) expectValidHostname(host);
      for (const http of at(vs, 'spec', 'http') as Array<{ route?: Array<{ destination: { host: string; port: { number: number } } }> }>) {
        for (const r of http.route ?? []) expectServiceTarget(objects, r.destination.host, r.destination.port.number);
      }
    }
    for (const dr of objects.filter((o) => o.kind === 'DestinationRule')) expectServiceTarget(objects, at(dr, 'spec', 'host') as string, undefined);
    for (const np of objects.filter((o) => o.kind === 'NetworkPolicy')) expect(pods).toMatchObject(at(np, 'spec', 'podSelector', 'matchLabels') as object);
    expect(at(findObject(objects, 'AuthorizationPolicy'), 'spec', 'selector', 'matchLabels')).toEqual(SELECTOR);
    const targetPorts = (at(findObject(objects, 'Service', 'shop'), 'spec', 'ports') as Array<{ targetPort: number }>).map((p) => p.targetPort);
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'ingress', 0, 'ports') as Array<{ port: number }>).map((p) => p.port)).toEqual(targetPorts);
  });

  it('a 63-character workload name: names, hosts and labels stay within Kubernetes and DNS limits', () => {
    const name = `very-long-service-name-${'x'.repeat(40)}`;
    expect(name).toHaveLength(63);
    const { objects } = render(score({ name, resources: { deployment: { type: 'blue-green' }, networking: networking({ ingress: { type: 'public' }, aliases: ['a'.repeat(63)], privateRoutes: ['/healthz'] }) } }));
    const mine = byComponent(objects, 'networking');
    expectValidNames(mine);
    for (const vs of mine.filter((o) => o.kind === 'VirtualService')) for (const host of at(vs, 'spec', 'hosts') as string[]) expectValidHostname(host);
    for (const gw of mine.filter((o) => o.kind === 'Gateway')) for (const host of at(gw, 'spec', 'servers', 0, 'hosts') as string[]) expectValidHostname(host);
    // dnsLabel keeps 54 characters and appends `-` and 8 hex characters of the full name's sha256
    for (const o of mine) expect(o.metadata.name, o.metadata.name).toMatch(/^very-long-service-name-x+(-[0-9a-f]{8})?$/);
    expect(mine.filter((o) => o.kind === 'VirtualService').every((o) => o.metadata.name.length === 63)).toBe(true);
    expect(at(findObject(objects, 'VirtualService', mine.find((o) => o.kind === 'VirtualService' && (at(o, 'spec', 'hosts') as string[])[0]!.endsWith('.dev.example.com'))!.metadata.name), 'spec', 'hosts')).toEqual([`${name}.dev.example.com`, `${'a'.repeat(63)}.dev.example.com`]);
  });

  it('schema: strict Kubernetes and CRD schemas of each environment', async () => {
    for (const env of ['dev', 'prod']) await expectSchemaValid(render(publicShop, env));
    await expectSchemaValid(render(score({ ports: {}, resources: { networking: networking({ ingress: { type: 'none' } }) } })));
  });
});
