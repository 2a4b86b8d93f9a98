import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, INJECTIONS, kinds, positionOf, renderError, score } from '../test-support/helpers';
import { byComponent, goldenYaml, positionOfText } from '../test-support/networking';
import { ENVIRONMENTS, renderIn } from '../test-support/environments';

const DOMAIN: Record<string, string> = { dev: 'dev.example.com', preview: 'pr-7.preview.example.com', staging: 'staging.example.com', prod: 'example.com' };
const withRoute = (params: Record<string, unknown>) => score({ resources: { route: { type: 'route', params } } });
const routeOf = (text: string, env = 'dev') => findObject(renderIn(text, env).objects, 'VirtualService', 'shop-route-route');

describe('route', () => {
  it('golden: a VirtualService on the public gateway (every environment)', async () => {
    for (const env of ENVIRONMENTS) {
      const text = withRoute({ host: `shop.${DOMAIN[env]}`, path: '/api', port: 80 });
      await expect(goldenYaml(byComponent(renderIn(text, env).objects, 'networking'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('host and path prefix to the Service port, by number or name; the private gateway for internal hosts', () => {
    const spec = at(routeOf(withRoute({ host: 'shop.dev.example.com', path: '/api', port: 'http' })), 'spec');
    expect(spec).toEqual({
      hosts: ['shop.dev.example.com'],
      gateways: ['istio-ingress/public-gateway'],
      exportTo: ['.', 'istio-ingress'],
      http: [{ name: 'route', match: [{ uri: { exact: '/api' } }, { uri: { prefix: '/api/' } }], route: [{ destination: { host: 'shop.payments.svc.cluster.local', port: { number: 80 } } }], timeout: '30s' }],
    });
    const internal = at(routeOf(withRoute({ host: 'shop.dev.internal.example.com', path: '/', port: 80 })), 'spec') as Record<string, unknown>;
    expect(internal['gateways']).toEqual(['istio-ingress/private-gateway']);
    expect(at(internal, 'http', 0, 'match')).toEqual([{ uri: { prefix: '/' } }]);
  });

  it('outputs host, path and url', () => {
    const text = score({ resources: {
      route: { type: 'route', params: { host: 'shop.dev.example.com', path: '/api', port: 80 } },
      config: { type: 'configmap', params: { configData: { URL: '${resources.route.url}', VS: '${resources.route.virtualService}' } } },
    } });
    expect(findObject(renderIn(text, 'dev').objects, 'ConfigMap', 'shop-config').data).toEqual({ URL: 'https://shop.dev.example.com/api', VS: 'shop-route-route' });
  });

  it('failures: a host outside the environment zones, an unknown port, a trailing slash', () => {
    expect(renderError(withRoute({ host: 'shop.evil.com', path: '/', port: 80 }))).toContain("route: host 'shop.evil.com' is not under dev.example.com or dev.internal.example.com (the gateways of environment 'dev' serve only those)");
    // prod's domain is example.com: a dev host is not under it either
    expect(() => renderIn(withRoute({ host: 'shop.dev.internal.example.co', path: '/', port: 80 }), 'prod')).toThrow("route: host 'shop.dev.internal.example.co' is not under example.com or internal.example.com");
    expect(renderError(withRoute({ host: 'shop.dev.example.com', path: '/', port: 8081 }))).toContain("route: port '8081' is not a port of service.ports (by name or number)");
    const slash = withRoute({ host: 'shop.dev.example.com', path: '/api/', port: 80 });
    expect(renderError(slash)).toBe(`services/svc/score.yaml:${positionOf(slash, 'path')}: resources.route.params.path: must match pattern ^(/|(/[-A-Za-z0-9._~%!$&'()+,;=:@]+)+)$`);
  });

  it('injection: host and path are patterns, so such values are rejected with the position', () => {
    for (const bad of INJECTIONS) {
      const host = withRoute({ host: bad, path: '/', port: 80 });
      expect(renderError(host)).toBe(`services/svc/score.yaml:${positionOf(host, 'host')}: resources.route.params.host: must match pattern ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$`);
      const path = withRoute({ host: 'shop.dev.example.com', path: `/${bad}`, port: 80 });
      expect(renderError(path)).toBe(`services/svc/score.yaml:${positionOfText(path, '"path"')}: resources.route.params.path: must match pattern ^(/|(/[-A-Za-z0-9._~%!$&'()+,;=:@]+)+)$`);
    }
  });

  it('schema: strict Kubernetes and CRD schemas (every environment); one object per route', async () => {
    for (const env of ENVIRONMENTS) {
      const result = renderIn(withRoute({ host: `shop.${DOMAIN[env]}`, path: '/', port: 80 }), env);
      expect(kinds(byComponent(result.objects, 'networking'))).toEqual(['VirtualService/shop-route-route']);
      await expectSchemaValid(result);
    }
  });
});
