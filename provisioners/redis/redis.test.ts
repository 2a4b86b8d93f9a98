import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findObject, tempService } from '../test-support/render';
import { at, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { REDIS_HOST: '${resources.cache.host}', REDIS_PORT: '${resources.cache.port}', REDIS_PASSWORD: '${resources.cache.password}', REDIS_URL: '${resources.cache.url}' } };
const cache = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'redis', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { cache: cache() } });

describe('redis', () => {
  it('golden: typical (dev, prod)', async () => {
    for (const env of ['dev', 'prod']) {
      await expect(goldenYaml(byComponent(render(typical, env).objects, 'cache'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('Password generator → ExternalSecret → ReplicationGroup (TLS, AUTH token); waves -7, -6, -5', () => {
    const { objects } = render(typical);
    const mine = byComponent(objects, 'cache');
    expect(kinds(mine)).toEqual(['ExternalSecret/shop-cache-auth', 'Password/shop-cache-auth', 'ReplicationGroup/shop-cache']);
    expect(Object.fromEntries(mine.map((o) => [o.kind, o.metadata.annotations?.['argocd.argoproj.io/sync-wave']]))).toEqual({ Password: '-7', ExternalSecret: '-6', ReplicationGroup: '-5' });
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
  });

  it('outputs: password as secretKeyRef (also inside the url); host, port and url otherwise plain', () => {
    const env = containerEnv(render(typical).objects);
    const refs = Object.keys(env).filter((name) => name.startsWith('__ref_'));
    expect(refs).toHaveLength(1);
    expect(env).toEqual({
      [refs[0]!]: { secretKeyRef: { name: 'shop-cache-auth', key: 'password' } },
      REDIS_HOST: 'master.dev-payments-shop-cache.d4v3lp.euw1.cache.amazonaws.com',
      REDIS_PASSWORD: { secretKeyRef: { name: 'shop-cache-auth', key: 'password' } },
      REDIS_PORT: '6379',
      REDIS_URL: `rediss://:$(${refs[0]!})@master.dev-payments-shop-cache.d4v3lp.euw1.cache.amazonaws.com:6379`,
    });
  });

  it('username: default, the user an AUTH token authenticates (score-k8s gives this output too)', () => {
    const env = containerEnv(render(score({ containers: { web: { ...WEB, variables: { REDIS_USER: '${resources.cache.username}' } } }, resources: { cache: cache() } })).objects);
    expect(env.REDIS_USER).toBe('default');
  });

  it('host: master.<replication group id>.<environment metadata elasticacheEndpointSuffix> (dev, prod, shared id)', () => {
    expect(containerEnv(render(typical).objects).REDIS_HOST).toBe('master.dev-payments-shop-cache.d4v3lp.euw1.cache.amazonaws.com');
    const prod = render(typical, 'prod').objects;
    expect(containerEnv(prod).REDIS_HOST).toBe('master.prod-payments-shop-cache.p9r0dx.use1.cache.amazonaws.com');
    expect(containerEnv(prod).REDIS_HOST).toBe(`master.${at(findObject(prod, 'ReplicationGroup'), 'spec', 'replicationGroupID') as string}.p9r0dx.use1.cache.amazonaws.com`);
    expect(containerEnv(prod).REDIS_URL).toMatch(/^rediss:\/\/:\$\(__ref_[A-Za-z0-9_-]+\)@master\.prod-payments-shop-cache\.p9r0dx\.use1\.cache\.amazonaws\.com:6379$/);
    const shared = render(score({ containers: { web: WEB }, resources: { cache: cache({}, { id: 'sessions' }) } }), 'prod').objects;
    expect(containerEnv(shared).REDIS_HOST).toBe('master.prod-payments-sessions.p9r0dx.use1.cache.amazonaws.com');
  });

  it('an environment without metadata elasticacheEndpointSuffix: the render fails naming the environment and the key', () => {
    const service = tempService(typical);
    try {
      const file = join(service.root, 'environments', 'dev.yaml');
      const without = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*elasticacheEndpointSuffix:/.test(line)).join('\n');
      expect(without).not.toContain('elasticacheEndpointSuffix:');
      writeFileSync(file, without);
      expect(() => service.render('dev')).toThrow(/^[^:]+\/score\.yaml:\d+:\d+: resources\.cache: provisioner 'redis' \(outputs\.yaml\.njk\): .*redis: environment dev does not define metadata\.elasticacheEndpointSuffix \(the ElastiCache endpoint suffix of its account and region: hosts are master\.<replication-group-id>\.<suffix>\)$/);
      expect(service.render('prod').objects.length).toBeGreaterThan(0);
    } finally {
      service.cleanup();
    }
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
});
