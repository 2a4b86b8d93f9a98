import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../blue-green/test-helpers';
import { byComponent, containerEnv, expectSchemaValidSkipping, goldenYaml } from '../basic/test-helpers';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { REDIS_HOST: '${resources.cache.host}', REDIS_PORT: '${resources.cache.port}', REDIS_PASSWORD: '${resources.cache.password}' } };
const cache = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'redis', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { cache: cache() } });

describe('redis', () => {
  it('golden: typical (dev, prod)', async () => {
    for (const env of ['dev', 'prod']) {
      await expect(goldenYaml(byComponent(render(typical, env).objects, 'cache'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('Password generator → ExternalSecret → ReplicationGroup (TLS, AUTH token), endpoint exported by FieldExport', () => {
    const { objects } = render(typical);
    expect(kinds(byComponent(objects, 'cache'))).toEqual(['Secret/shop-cache-endpoint', 'ExternalSecret/shop-cache-auth', 'FieldExport/shop-cache-host', 'Password/shop-cache-auth', 'ReplicationGroup/shop-cache']);
    expect(at(findObject(objects, 'ReplicationGroup'), 'spec')).toEqual({
      replicationGroupID: 'dev-payments-shop-cache',
      description: 'Cache shop-cache of payments (dev)',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: 'cache.t4g.micro',
      numNodeGroups: 1,
      replicasPerNodeGroup: 1,
      automaticFailoverEnabled: true,
      multiAZEnabled: true,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      authToken: { name: 'shop-cache-auth', key: 'password', namespace: 'payments' },
      port: 6379,
      snapshotRetentionLimit: 1,
      cacheSubnetGroupName: 'dev-euw1-cache',
      tags: [{ key: 'environment', value: 'dev' }, { key: 'kubernetes-namespace', value: 'payments' }, { key: 'kubernetes-resource', value: 'shop-cache' }],
    });
    expect(at(findObject(objects, 'FieldExport'), 'spec')).toEqual({
      from: { path: '.status.nodeGroups[0].primaryEndpoint.address', resource: { group: 'elasticache.services.k8s.aws', kind: 'ReplicationGroup', name: 'shop-cache' } },
      to: { kind: 'secret', name: 'shop-cache-endpoint', key: 'host' },
    });
    expect(containerEnv(objects)).toEqual({
      REDIS_HOST: { secretKeyRef: { name: 'shop-cache-endpoint', key: 'host' } },
      REDIS_PASSWORD: { secretKeyRef: { name: 'shop-cache-auth', key: 'password' } },
      REDIS_PORT: '6379',
    });
  });

  it('edge: no replicas turns failover off; valkey', () => {
    const spec = at(findObject(render(score({ resources: { cache: cache({ replicas: 0, engine: 'valkey', engineVersion: '8.0' }) } })).objects, 'ReplicationGroup'), 'spec');
    expect(spec).toMatchObject({ engine: 'valkey', engineVersion: '8.0', replicasPerNodeGroup: 0, automaticFailoverEnabled: false, multiAZEnabled: false });
  });

  it('shared id: identical objects named from the id; cross-object references', () => {
    const shared = (name: string) => byComponent(render(score({ name, resources: { cache: cache({}, { id: 'sessions' }) } })).objects, 'cache');
    const a = shared('shop');
    expect(a).toEqual(shared('billing'));
    const group = findObject(a, 'ReplicationGroup', 'sessions');
    expect(group.metadata.annotations?.['services.k8s.aws/deletion-policy']).toBe('retain');
    expect(at(group, 'spec', 'authToken', 'name')).toBe(at(findObject(a, 'ExternalSecret'), 'spec', 'target', 'name'));
    expect(at(findObject(a, 'ExternalSecret'), 'spec', 'dataFrom', 0, 'sourceRef', 'generatorRef', 'name')).toBe(findObject(a, 'Password').metadata.name);
    expect(at(findObject(a, 'FieldExport'), 'spec', 'from', 'resource', 'name')).toBe(group.metadata.name);
    expect(findObject(a, 'Secret', at(findObject(a, 'FieldExport'), 'spec', 'to', 'name') as string)).toBeDefined();
  });

  it('a 63-character workload name: names valid, replication group id at most 40 characters', () => {
    const name = `very-long-service-name-${'x'.repeat(40)}`;
    const { objects } = render(score({ name, resources: { cache: cache() } }));
    expectValidNames(byComponent(objects, 'cache'));
    const id = at(findObject(objects, 'ReplicationGroup'), 'spec', 'replicationGroupID') as string;
    expect(id.length).toBeLessThanOrEqual(40);
    expect(id).toMatch(/^[a-z](?!.*--)[-a-z0-9]*[a-z0-9]$/);
  });

  it('params validation and injection: rejected with the position', () => {
    const replicas = score({ resources: { cache: cache({ replicas: 6 }) } });
    expect(renderError(replicas)).toBe(`services/svc/score.yaml:${positionOf(replicas, 'replicas')}: resources.cache.params.replicas: must be <= 5`);
    for (const bad of INJECTIONS) {
      const text = score({ resources: { cache: cache({ nodeType: bad }) } });
      expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'nodeType')}: resources.cache.params.nodeType: must match pattern ^cache\\.[a-z0-9]+\\.[a-z0-9]+$`);
      const engine = score({ resources: { cache: cache({ engine: bad }) } });
      expect(renderError(engine)).toBe(`services/svc/score.yaml:${positionOf(engine, 'engine')}: resources.cache.params.engine: must be one of 'redis' or 'valkey'`);
    }
  });

  it('schema: strict Kubernetes and CRD schemas (FieldExport skipped: no schema)', async () => {
    for (const env of ['dev', 'prod']) await expectSchemaValidSkipping(render(typical, env), ['FieldExport']);
  });
});
