import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { renderPreview } from '../test-support/preview';
import { at, expectSchemaValid, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { MONGO_HOST: '${resources.db.host}', MONGO_PORT: '${resources.db.port}', MONGO_URI: '${resources.db.connection}', MONGO_USER: '${resources.db.username}', MONGO_PASSWORD: '${resources.db.password}' } };
const db = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'mongodb', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { db: db() } });
const MONGO_KINDS = ['ExternalSecret/shop-db-password', 'MongoDBCommunity/shop-db', 'Password/shop-db-password', 'Role/shop-db', 'RoleBinding/shop-db', 'ServiceAccount/shop-db'];

describe('mongodb (MongoDB Community operator, every environment)', () => {
  it('golden: typical (dev, preview, prod)', async () => {
    await expect(goldenYaml(byComponent(render(typical, 'dev').objects, 'database'))).toMatchFileSnapshot('__golden__/typical.dev.yaml');
    await expect(goldenYaml(byComponent(renderPreview(typical).objects, 'database'))).toMatchFileSnapshot('__golden__/typical.preview.yaml');
    await expect(goldenYaml(byComponent(render(typical, 'prod').objects, 'database'))).toMatchFileSnapshot('__golden__/typical.prod.yaml');
  });

  it('the same implementation in every environment (no ACK controller for DocumentDB exists)', () => {
    for (const env of ['dev', 'staging', 'prod']) expect(kinds(byComponent(render(typical, env).objects, 'database')).sort()).toEqual(MONGO_KINDS);
  });

  it('a SCRAM replica set whose user password comes from External Secrets; no password value in the render', () => {
    const { objects, yaml } = render(typical);
    const spec = at(findObject(objects, 'MongoDBCommunity', 'shop-db'), 'spec') as Record<string, unknown>;
    expect(spec).toMatchObject({ type: 'ReplicaSet', members: 1, version: '7.0.14', security: { authentication: { modes: ['SCRAM'] } } });
    expect(spec['users']).toEqual([{
      name: 'app', db: 'admin', passwordSecretRef: { name: 'shop-db-password', key: 'password' },
      roles: [{ name: 'readWrite', db: 'app' }, { name: 'dbAdmin', db: 'app' }],
      scramCredentialsSecretName: 'shop-db', connectionStringSecretName: 'shop-db-connection',
    }]);
    expect(at(spec, 'statefulSet', 'spec', 'template', 'spec', 'serviceAccountName')).toBe('shop-db');
    expect(at(findObject(objects, 'RoleBinding', 'shop-db'), 'subjects')).toEqual([{ kind: 'ServiceAccount', name: 'shop-db' }]);
    expect(yaml).not.toMatch(/password: (?!"?\{\{)/);
    expect(yaml).not.toMatch(/mongodb:\/\//);
  });

  it("outputs: score-k8s's host, port, connection, username, password (connection and password refs)", () => {
    expect(containerEnv(render(typical, 'prod').objects)).toEqual({
      MONGO_HOST: 'shop-db-svc',
      MONGO_PORT: '27017',
      MONGO_URI: { secretKeyRef: { name: 'shop-db-connection', key: 'connectionString.standard' } },
      MONGO_USER: 'app',
      MONGO_PASSWORD: { secretKeyRef: { name: 'shop-db-password', key: 'password' } },
    });
  });

  it('params reach the replica set; a shared id is refused naming the environment', () => {
    const { objects } = render(score({ containers: { web: WEB }, resources: { db: db({ database: 'orders', members: 3, version: '6.0.16', storageSize: '5Gi' }) } }));
    const spec = at(findObject(objects, 'MongoDBCommunity', 'shop-db'), 'spec');
    expect(at(spec, 'members')).toBe(3);
    expect(at(spec, 'version')).toBe('6.0.16');
    expect(at(spec, 'users', 0, 'roles', 0)).toEqual({ name: 'readWrite', db: 'orders' });
    expect(at(spec, 'statefulSet', 'spec', 'volumeClaimTemplates', 0, 'spec', 'resources', 'requests', 'storage')).toBe('5Gi');
    expect(renderError(score({ containers: { web: WEB }, resources: { db: db({}, { id: 'orders' }) } }), 'prod')).toMatch(/mongodb: a shared id is not supported in prod: each service gets its own replica set$/);
  });

  it('params validation and injection: every string param has a pattern, so such values are rejected with the position', () => {
    for (const bad of INJECTIONS) {
      for (const [key, pattern] of [['database', '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'], ['username', '^[a-z][a-z0-9]{0,31}$'], ['version', '^[0-9]+\\.[0-9]+\\.[0-9]+$'], ['storageSize', '^[1-9][0-9]{0,5}(Mi|Gi)$']] as const) {
        const text = score({ resources: { db: db({ [key]: bad }) } });
        expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, key)}: resources.db.params.${key}: must match pattern ${pattern}`);
      }
    }
    const text = score({ resources: { db: db({ members: 8 }) } });
    expect(renderError(text)).toMatch(new RegExp(`^services/svc/score\\.yaml:${positionOf(text, 'members')}: resources\\.db\\.params\\.members: must be <= 7`));
  });

  it("egress: basic opens TCP 27017 to the replica set's pods when egress is restricted", () => {
    const { objects } = render(score({ resources: { db: db(), networking: { type: 'basic', params: { ingress: { type: 'none' } } } } }));
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({ to: [{ podSelector: { matchLabels: { app: 'shop-db-svc' } } }], ports: [{ protocol: 'TCP', port: 27017 }] });
  });


  it("no object carries the workload's instance label: the operator copies the MongoDBCommunity's labels to its pods, which the workload's Service must not select", () => {
    const { objects } = render(typical);
    const instance = at(findObject(objects, 'Service', 'shop'), 'spec', 'selector', 'app.kubernetes.io/instance');
    expect(instance).toMatch(/^shop-[0-9a-f]{10}$/);
    const store = byComponent(render(typical).objects, 'database');
    expect(store.length).toBeGreaterThan(2);
    expect(store.filter((o) => o.metadata.labels?.['app.kubernetes.io/instance'] === instance).map((o) => o.kind)).toEqual([]);
  });
  it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
    for (const env of ['dev', 'staging', 'prod']) await expectSchemaValid(render(typical, env));
    await expectSchemaValid(renderPreview(typical));
  });
});
