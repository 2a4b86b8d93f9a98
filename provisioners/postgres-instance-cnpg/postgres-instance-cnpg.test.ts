import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { renderPreview } from '../test-support/preview';
import { at, expectSchemaValid, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { DB_HOST: '${resources.db.host}', DB_PORT: '${resources.db.port}', DB_NAME: '${resources.db.name}', DB_USER: '${resources.db.username}', DB_PASSWORD: '${resources.db.password}', DB_URI: '${resources.db.uri}' } };
const db = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'postgres-instance', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { db: db() } });

describe('postgres-instance (CloudNativePG, dev and preview)', () => {
  it('golden: typical (dev, preview)', async () => {
    await expect(goldenYaml(byComponent(render(typical, 'dev').objects, 'database'))).toMatchFileSnapshot('__golden__/typical.dev.yaml');
    await expect(goldenYaml(byComponent(renderPreview(typical).objects, 'database'))).toMatchFileSnapshot('__golden__/typical.preview.yaml');
  });

  it('one Cluster, bootstrapped with the database and its owner; no password anywhere in the render', () => {
    const { objects, yaml } = render(typical);
    expect(kinds(byComponent(objects, 'database'))).toEqual(['Cluster/shop-db']);
    const cluster = findObject(objects, 'Cluster');
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(cluster.metadata.namespace).toBe('payments');
    expect(cluster.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-5' });
    expect(at(cluster, 'spec')).toEqual({ imageName: 'ghcr.io/cloudnative-pg/postgresql:16', instances: 1, enableSuperuserAccess: false, storage: { size: '1Gi' }, bootstrap: { initdb: { database: 'app', owner: 'app' } } });
    expect(objects.some((o) => o.kind === 'Secret' || o.kind === 'ExternalSecret')).toBe(false);
    expect(yaml).not.toMatch(/password:\s*["']?[A-Za-z0-9]/i);
  });

  it("outputs: host is the primary's Service, password and uri are refs to the operator's Secret <ref>-app", () => {
    expect(containerEnv(render(typical).objects)).toEqual({
      DB_HOST: 'shop-db-rw',
      DB_PORT: '5432',
      DB_NAME: 'app',
      DB_USER: 'app',
      DB_PASSWORD: { secretKeyRef: { name: 'shop-db-app', key: 'password' } },
      DB_URI: { secretKeyRef: { name: 'shop-db-app', key: 'uri' } },
    });
  });

  it('params: instances, storage, database and owner reach the Cluster', () => {
    const { objects } = render(score({ containers: { web: WEB }, resources: { db: db({ engineVersion: '17.2', instances: 3, storageSize: '20Gi', dbName: 'orders', username: 'orders_app' }) } }));
    expect(at(findObject(objects, 'Cluster'), 'spec')).toEqual({ imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2', instances: 3, enableSuperuserAccess: false, storage: { size: '20Gi' }, bootstrap: { initdb: { database: 'orders', owner: 'orders_app' } } });
    expect(containerEnv(objects).DB_NAME).toBe('orders');
    expect(containerEnv(objects).DB_USER).toBe('orders_app');
  });

  it('served in dev and preview only: prod is served by another provisioner of the type', () => {
    expect(render(typical, 'dev').objects.some((o) => o.kind === 'Cluster')).toBe(true);
    const preview = renderPreview(typical).objects;
    expect(findObject(preview, 'Cluster').metadata.namespace).toBe('payments-pr-7');
    expect(preview.some((o) => o.kind === 'DBInstance')).toBe(false);
  });

  it('a shared id is refused, naming the environment', () => {
    expect(renderError(score({ containers: { web: WEB }, resources: { db: db({}, { id: 'orders' }) } }))).toMatch(
      /^services\/svc\/score\.yaml:\d+:\d+: resources\.db: provisioner 'postgres-instance-cnpg' \(outputs\.yaml\.njk\): .*postgres-instance \(CloudNativePG\): a shared id is not supported in dev: each service gets its own in-cluster instance$/,
    );
  });

  it('a 63-character workload name keeps every name valid', () => {
    const name = 'a'.repeat(63);
    const mine = byComponent(render(score({ name, containers: { web: WEB }, resources: { db: db() } })).objects, 'database');
    expect(mine[0]!.metadata.name.length).toBeLessThanOrEqual(50);
    expectValidNames(mine);
  });

  it('params validation and injection: every string param has a pattern, so such values are rejected with the position', () => {
    const many = score({ resources: { db: db({ instances: 4 }) } });
    expect(renderError(many)).toBe(`services/svc/score.yaml:${positionOf(many, 'instances')}: resources.db.params.instances: must be <= 3`);
    for (const bad of INJECTIONS) {
      for (const [key, pattern] of [['dbName', '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'], ['username', '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'], ['storageSize', '^[1-9][0-9]{0,5}(Mi|Gi)$'], ['engineVersion', '^[0-9]+(\\.[0-9]+)?$']] as const) {
        const text = score({ resources: { db: db({ [key]: bad }) } });
        expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, key)}: resources.db.params.${key}: must match pattern ${pattern}`);
      }
    }
  });

  it("egress: basic opens TCP 5432 to the Cluster's pods when egress is restricted", () => {
    const { objects } = render(score({ resources: { db: db(), networking: { type: 'basic', params: { ingress: { type: 'none' } } } } }));
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({ to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  });

  it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
    await expectSchemaValid(render(typical, 'dev'));
    await expectSchemaValid(renderPreview(typical));
  });
});
