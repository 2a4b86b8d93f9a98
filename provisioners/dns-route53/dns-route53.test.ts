import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, INJECTIONS, kinds, positionOf, renderError, score } from '../test-support/helpers';
import { byComponent, goldenYaml } from '../test-support/networking';
import { renderIn } from '../test-support/environments';

const withDns = (params?: Record<string, unknown>) => score({
  resources: {
    dns: { type: 'dns', ...(params ? { params } : {}) },
    route: { type: 'route', params: { host: '${resources.dns.host}', path: '/', port: 80 } },
  },
});
const MANAGED = ['staging', 'prod'];

describe('dns-route53 (staging, prod)', () => {
  it('golden: a Route 53 RecordSet (staging, prod)', async () => {
    for (const env of MANAGED) {
      await expect(goldenYaml(byComponent(renderIn(withDns(), env).objects, 'networking'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('serves type dns in staging and prod (a RecordSet), the ExternalDNS provisioner in dev and preview', () => {
    const kindsIn = (env: string) => kinds(byComponent(renderIn(withDns(), env).objects, 'networking'));
    expect(kindsIn('staging')).toEqual(['RecordSet/shop-dns-dns', 'VirtualService/shop-route-route']);
    expect(kindsIn('prod')).toEqual(['RecordSet/shop-dns-dns', 'VirtualService/shop-route-route']);
    expect(kindsIn('dev')).toEqual(['DNSEndpoint/shop-dns-dns', 'VirtualService/shop-route-route']);
    expect(kindsIn('preview')).toEqual(['DNSEndpoint/shop-dns-dns', 'VirtualService/shop-route-route']);
  });

  it('a CNAME (name relative to the zone) in the hosted zone of the domain, to the ingress load balancer; the same host as dns', () => {
    const prod = renderIn(withDns(), 'prod').objects;
    expect(at(findObject(prod, 'RecordSet'), 'spec')).toEqual({
      hostedZoneID: 'Z0PRODPUBLIC0000000003', name: 'shop', recordType: 'CNAME', ttl: 300,
      resourceRecords: [{ value: 'prod-use1-public-ingress.elb.us-east-1.amazonaws.com' }],
    });
    expect(at(findObject(prod, 'VirtualService'), 'spec', 'hosts')).toEqual(['shop.example.com']);
    const privateStaging = at(findObject(renderIn(withDns({ zone: 'private', label: 'admin' }), 'staging').objects, 'RecordSet'), 'spec');
    expect(privateStaging).toEqual({
      hostedZoneID: 'Z0STAGINGPRV0000000002', name: 'admin', recordType: 'CNAME', ttl: 300,
      resourceRecords: [{ value: 'staging-euw1-private-ingress.elb.eu-west-1.amazonaws.com' }],
    });
  });

  it('params validation and injection: rejected with the position', () => {
    for (const bad of INJECTIONS) {
      const text = withDns({ label: bad });
      expect(renderError(text, 'prod')).toBe(`services/svc/score.yaml:${positionOf(text, 'label')}: resources.dns.params.label: must match pattern ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`);
    }
  });

  it('schema: strict Kubernetes and CRD schemas (staging, prod)', async () => {
    for (const env of MANAGED) await expectSchemaValid(renderIn(withDns({ zone: 'private' }), env));
  });
});
