import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, expectValidNames, INJECTIONS, kinds, positionOf, renderError, score } from '../test-support/helpers';
import { byComponent, expectValidHostname, goldenYaml } from '../test-support/networking';
import { renderIn } from '../test-support/environments';

const withDns = (params?: Record<string, unknown>, route = false) => score({
  resources: {
    dns: { type: 'dns', ...(params ? { params } : {}) },
    config: { type: 'configmap', params: { configData: { HOST: '${resources.dns.host}' } } },
    ...(route ? { route: { type: 'route', params: { host: '${resources.dns.host}', path: '/', port: 80 } } } : {}),
  },
});
const hostOf = (text: string, env = 'dev') => (findObject(renderIn(text, env).objects, 'ConfigMap', 'shop-config').data as Record<string, string>)['HOST'];
const DEV_PREVIEW = ['dev', 'preview'];

describe('dns (ExternalDNS)', () => {
  it('golden: a DNSEndpoint (dev, preview)', async () => {
    for (const env of DEV_PREVIEW) {
      await expect(goldenYaml(byComponent(renderIn(withDns(), env).objects, 'networking'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('host: <workload>.<domain> by default, deterministic; preview hosts carry the pull request', () => {
    expect(hostOf(withDns())).toBe('shop.dev.example.com');
    expect(hostOf(withDns(), 'preview')).toBe('shop.pr-7.preview.example.com');
    expect(hostOf(withDns({ label: 'www' }))).toBe('www.dev.example.com');
    expect(hostOf(withDns({ zone: 'private' }))).toBe('shop.dev.internal.example.com');
  });

  it('a CNAME to the ingress load balancer of its zone', () => {
    const spec = (params?: Record<string, unknown>) => at(findObject(renderIn(withDns(params), 'dev').objects, 'DNSEndpoint', 'shop-dns-dns'), 'spec');
    expect(spec()).toEqual({ endpoints: [{ dnsName: 'shop.dev.example.com', recordType: 'CNAME', recordTTL: 300, targets: ['dev-euw1-public-ingress.elb.eu-west-1.amazonaws.com'] }] });
    expect(spec({ zone: 'private' })).toEqual({ endpoints: [{ dnsName: 'shop.dev.internal.example.com', recordType: 'CNAME', recordTTL: 300, targets: ['dev-euw1-private-ingress.elb.eu-west-1.amazonaws.com'] }] });
  });

  it('with route (the Score samples): the route serves the dns host on the public gateway', () => {
    const { objects } = renderIn(withDns(undefined, true), 'dev');
    expect(kinds(byComponent(objects, 'networking'))).toEqual(['DNSEndpoint/shop-dns-dns', 'VirtualService/shop-route-route']);
    expect(at(findObject(objects, 'VirtualService'), 'spec', 'hosts')).toEqual(['shop.dev.example.com']);
  });

  it('a 63-character workload name: a valid host and object name', () => {
    const name = `very-long-service-name-${'x'.repeat(40)}`;
    const { objects } = renderIn(score({ name, resources: { dns: { type: 'dns' } } }), 'dev');
    expectValidNames(byComponent(objects, 'networking'));
    const host = at(findObject(objects, 'DNSEndpoint'), 'spec', 'endpoints', 0, 'dnsName') as string;
    expectValidHostname(host);
    expect(host).toBe(`${name}.dev.example.com`);
  });

  it('params validation and injection: rejected with the position', () => {
    for (const bad of [...INJECTIONS, 'a.b', 'UPPER']) {
      const text = withDns({ label: bad });
      expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'label')}: resources.dns.params.label: must match pattern ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`);
    }
    const zone = withDns({ zone: 'internal' });
    expect(renderError(zone)).toBe(`services/svc/score.yaml:${positionOf(zone, 'zone')}: resources.dns.params.zone: must be one of 'public' or 'private'`);
  });

  it('schema: strict Kubernetes and CRD schemas (dev, preview)', async () => {
    for (const env of DEV_PREVIEW) await expectSchemaValid(renderIn(withDns(undefined, true), env));
  });
});
