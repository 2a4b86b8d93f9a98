import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findObject, tempService } from '../test-support/render';
import { at, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { DB_HOST: '${resources.db.host}', DB_PORT: '${resources.db.port}', DB_NAME: '${resources.db.name}', DB_USER: '${resources.db.username}', DB_PASSWORD: '${resources.db.password}' } };
const db = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'postgres', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { db: db() } });

describe('postgres', () => {
  it('golden: typical (dev, prod)', async () => {
    for (const env of ['dev', 'prod']) {
      await expect(goldenYaml(byComponent(render(typical, env).objects, 'database'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('Password generator → ExternalSecret → DBInstance; waves -7, -6, -5', () => {
    const { objects } = render(typical);
    const mine = byComponent(objects, 'database');
    expect(kinds(mine)).toEqual(['DBInstance/shop-db', 'ExternalSecret/shop-db-master', 'Password/shop-db-master']);
    expect(Object.fromEntries(mine.map((o) => [o.kind, o.metadata.annotations?.['argocd.argoproj.io/sync-wave']]))).toEqual({ Password: '-7', ExternalSecret: '-6', DBInstance: '-5' });
    expect(at(findObject(objects, 'DBInstance'), 'spec')).toEqual({
      dbInstanceIdentifier: 'dev-payments-shop-db',
      engine: 'postgres',
      engineVersion: '16',
      dbInstanceClass: 'db.t4g.micro',
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      storageType: 'gp3',
      storageEncrypted: true,
      dbName: 'app',
      masterUsername: 'dbadmin',
      masterUserPassword: { name: 'shop-db-master', key: 'password', namespace: 'payments' },
      port: 5432,
      multiAZ: false,
      publiclyAccessible: false,
      backupRetentionPeriod: 7,
      deletionProtection: false,
      copyTagsToSnapshot: true,
      dbSubnetGroupName: 'dev-euw1-databases',
      tags: [{ key: 'environment', value: 'dev' }, { key: 'kubernetes-namespace', value: 'payments' }, { key: 'kubernetes-resource', value: 'shop-db' }],
    });
    expect(at(findObject(objects, 'ExternalSecret'), 'spec')).toEqual({
      refreshInterval: '0s',
      target: { name: 'shop-db-master', creationPolicy: 'Owner', deletionPolicy: 'Retain', template: { engineVersion: 'v2', data: { username: 'dbadmin', password: '{{ .password }}' } } },
      dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'shop-db-master' } } }],
    });
  });

  it('outputs: user and password as secretKeyRef (no value in the render); host, port and name as plain values', () => {
    const { objects, yaml } = render(typical);
    expect(containerEnv(objects)).toEqual({
      DB_HOST: 'dev-payments-shop-db.c1dev7xk2q9z.eu-west-1.rds.amazonaws.com',
      DB_NAME: 'app',
      DB_PASSWORD: { secretKeyRef: { name: 'shop-db-master', key: 'password' } },
      DB_PORT: '5432',
      DB_USER: { secretKeyRef: { name: 'shop-db-master', key: 'username' } },
    });
    expect(yaml).not.toMatch(/password: (?!"?\{\{)/);
  });

  it('host: <db-instance-identifier>.<environment metadata rdsEndpointSuffix> (dev, prod, shared id)', () => {
    expect(containerEnv(render(typical).objects).DB_HOST).toBe('dev-payments-shop-db.c1dev7xk2q9z.eu-west-1.rds.amazonaws.com');
    const prod = render(typical, 'prod').objects;
    expect(containerEnv(prod).DB_HOST).toBe('prod-payments-shop-db.c3prd9hn4v6y.us-east-1.rds.amazonaws.com');
    expect(containerEnv(prod).DB_HOST).toBe(`${at(findObject(prod, 'DBInstance'), 'spec', 'dbInstanceIdentifier') as string}.c3prd9hn4v6y.us-east-1.rds.amazonaws.com`);
    const shared = render(score({ containers: { web: WEB }, resources: { db: db({}, { id: 'orders-db' }) } }), 'prod').objects;
    expect(containerEnv(shared).DB_HOST).toBe('prod-payments-orders-db.c3prd9hn4v6y.us-east-1.rds.amazonaws.com');
  });

  it('an environment without metadata rdsEndpointSuffix: the render fails naming the environment and the key', () => {
    const service = tempService(typical);
    try {
      const file = join(service.root, 'environments', 'dev.yaml');
      const without = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*rdsEndpointSuffix:/.test(line)).join('\n');
      expect(without).not.toContain('rdsEndpointSuffix:');
      writeFileSync(file, without);
      expect(() => service.render('dev')).toThrow(/^[^:]+\/score\.yaml:\d+:\d+: resources\.db: provisioner 'postgres' \(outputs\.yaml\.njk\): .*postgres: environment dev does not define metadata\.rdsEndpointSuffix \(the RDS endpoint suffix of its account and region: hosts are <db-instance-identifier>\.<suffix>\)$/);
      expect(service.render('prod').objects.length).toBeGreaterThan(0);
    } finally {
      service.cleanup();
    }
  });

  it('prod: deletion protection on by default; params override', () => {
    expect(at(findObject(render(typical, 'prod').objects, 'DBInstance'), 'spec', 'deletionProtection')).toBe(true);
    const { objects } = render(score({ resources: { db: db({ deletionProtection: true, multiAZ: true, instanceClass: 'db.r6g.large', engineVersion: '17.2', subnetGroupName: 'custom', securityGroupIDs: ['sg-0123456789abcdef0'], dbName: 'ledger', username: 'ledger_admin' }) } }));
    expect(at(findObject(objects, 'DBInstance'), 'spec')).toMatchObject({ deletionProtection: true, multiAZ: true, dbInstanceClass: 'db.r6g.large', engineVersion: '17.2', dbSubnetGroupName: 'custom', vpcSecurityGroupIDs: ['sg-0123456789abcdef0'], dbName: 'ledger', masterUsername: 'ledger_admin' });
  });

  it('shared id: services declaring the same id emit identical objects named from the id, kept and retained', () => {
    const shared = (name: string) => byComponent(render(score({ name, resources: { db: db({}, { id: 'orders-db' }), again: db({}, { id: 'orders-db' }) } })).objects, 'database');
    const a = shared('shop');
    expect(a).toEqual(shared('billing'));
    expect(kinds(a)).toEqual(['DBInstance/orders-db', 'ExternalSecret/orders-db-master', 'Password/orders-db-master']);
    const instance = findObject(a, 'DBInstance');
    expect(instance.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-5', 'services.k8s.aws/deletion-policy': 'retain', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    expect(instance.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'orders-db', 'app.kubernetes.io/instance': 'payments-orders-db' });
    expect(at(instance, 'spec', 'dbInstanceIdentifier')).toBe('dev-payments-orders-db');
  });

  it('cross-object: the names each object refers to exist', () => {
    const { objects } = render(typical);
    const instance = findObject(objects, 'DBInstance');
    const es = findObject(objects, 'ExternalSecret');
    expect(at(instance, 'spec', 'masterUserPassword', 'name')).toBe(at(es, 'spec', 'target', 'name'));
    expect(at(instance, 'spec', 'masterUserPassword', 'namespace')).toBe(instance.metadata.namespace);
    expect(at(es, 'spec', 'dataFrom', 0, 'sourceRef', 'generatorRef', 'name')).toBe(findObject(objects, 'Password').metadata.name);
  });

  it('a 63-character workload name: Kubernetes names and the RDS identifier (63, starts with a letter) stay valid', () => {
    const name = `very-long-service-name-${'x'.repeat(40)}`;
    const { objects } = render(score({ name, resources: { 'database-with-a-long-name': db() } }));
    const mine = byComponent(objects, 'database');
    expectValidNames(mine);
    const id = at(findObject(objects, 'DBInstance'), 'spec', 'dbInstanceIdentifier') as string;
    expect(id.length).toBeLessThanOrEqual(63);
    expect(id).toMatch(/^[a-z](?!.*--)[-a-z0-9]*[a-z0-9]$/);
  });

  it('params validation and injection: every string param has a pattern, so such values are rejected with the position', () => {
    const storage = score({ resources: { db: db({ allocatedStorage: 5 }) } });
    expect(renderError(storage)).toBe(`services/svc/score.yaml:${positionOf(storage, 'allocatedStorage')}: resources.db.params.allocatedStorage: must be >= 20`);
    for (const bad of INJECTIONS) {
      for (const [key, pattern] of [['dbName', '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'], ['username', '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'], ['engineVersion', '^[0-9]+(\\.[0-9]+)?$'], ['subnetGroupName', '^[a-zA-Z0-9 ._-]{1,255}$']] as const) {
        const text = score({ resources: { db: db({ [key]: bad }) } });
        expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, key)}: resources.db.params.${key}: must match pattern ${pattern}`);
      }
    }
  });

  it('egress: basic opens TCP 5432 (to metadata vpcCidr, else anywhere) when egress is restricted', () => {
    const { objects } = render(score({ resources: { db: db(), networking: { type: 'basic', params: { ingress: { type: 'none' } } } } }), 'dev', { vpcCidr: '10.20.0.0/16' });
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  });
});
