import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { renderPreview } from '../test-support/preview';
import { at, expectSchemaValid, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { DB_HOST: '${resources.db.host}', DB_PORT: '${resources.db.port}', DB_NAME: '${resources.db.name}', DB_USER: '${resources.db.username}', DB_PASSWORD: '${resources.db.password}' } };
const db = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'mysql', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { db: db() } });


describe('mysql (in-cluster StatefulSet, dev and preview)', () => {
  it('golden: typical (dev, preview)', async () => {
    await expect(goldenYaml(byComponent(render(typical, 'dev').objects, 'database'))).toMatchFileSnapshot('__golden__/typical.dev.yaml');
    await expect(goldenYaml(byComponent(renderPreview(typical).objects, 'database'))).toMatchFileSnapshot('__golden__/typical.preview.yaml');
  });

  it('Password generator → ExternalSecret → Service and StatefulSet; no password value in the render', () => {
    const { objects, yaml } = render(typical);
    expect(kinds(byComponent(objects, 'database')).sort()).toEqual(['ExternalSecret/shop-db-credentials', 'Password/shop-db-credentials', 'Service/shop-db', 'StatefulSet/shop-db']);
    const sts = findObject(objects, 'StatefulSet', 'shop-db');
    const container = at(sts, 'spec', 'template', 'spec', 'containers', 0) as { image: string; env: unknown[] };
    expect(container.image).toBe('mysql:8.4');
    expect(container.env).toEqual([
      { name: 'MYSQL_RANDOM_ROOT_PASSWORD', value: 'yes' },
      { name: 'MYSQL_DATABASE', value: 'app' },
      { name: 'MYSQL_USER', valueFrom: { secretKeyRef: { name: 'shop-db-credentials', key: 'username' } } },
      { name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-credentials', key: 'password' } } },
    ]);
    expect(yaml).not.toMatch(/password: (?!"?\{\{)/);
  });

  it("the database's pods never carry the workload's instance label (the workload's Service must not select them)", () => {
    const { objects } = render(typical);
    const podLabels = at(findObject(objects, 'StatefulSet', 'shop-db'), 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    expect(podLabels).toEqual({ 'app.kubernetes.io/name': 'shop-db', 'app.kubernetes.io/component': 'database' });
    const workloadSelector = at(findObject(objects, 'Service', 'shop'), 'spec', 'selector') as Record<string, string>;
    expect(Object.entries(workloadSelector).every(([k, v]) => podLabels[k] === v)).toBe(false);
    expect(at(findObject(objects, 'Service', 'shop-db'), 'spec', 'selector')).toEqual(podLabels);
  });

  it("outputs: score-k8s's host, port, name, database, username, password (password a ref)", () => {
    expect(containerEnv(render(typical).objects)).toEqual({
      DB_HOST: 'shop-db',
      DB_PORT: '3306',
      DB_NAME: 'app',
      DB_USER: 'app',
      DB_PASSWORD: { secretKeyRef: { name: 'shop-db-credentials', key: 'password' } },
    });
  });

  it('params reach the StatefulSet; a shared id is refused naming the environment', () => {
    const { objects } = render(score({ containers: { web: WEB }, resources: { db: db({ dbName: 'orders', engineVersion: '8.0.39', storageSize: '5Gi' }) } }));
    const sts = findObject(objects, 'StatefulSet', 'shop-db');
    expect(at(sts, 'spec', 'template', 'spec', 'containers', 0, 'image')).toBe('mysql:8.0.39');
    expect(at(sts, 'spec', 'volumeClaimTemplates', 0, 'spec', 'resources', 'requests', 'storage')).toBe('5Gi');
    expect(containerEnv(objects).DB_NAME).toBe('orders');
    expect(renderError(score({ containers: { web: WEB }, resources: { db: db({}, { id: 'orders' }) } }))).toMatch(/mysql \(in-cluster\): a shared id is not supported in dev: each service gets its own in-cluster database$/);
  });

  it('a 63-character workload name keeps every name valid', () => {
    expectValidNames(byComponent(render(score({ name: 'a'.repeat(63), containers: { web: WEB }, resources: { db: db() } })).objects, 'database'));
  });

  it('params validation and injection: every string param has a pattern, so such values are rejected with the position', () => {
    for (const bad of INJECTIONS) {
      for (const [key, pattern] of [['dbName', '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'], ['username', '^[a-zA-Z][a-zA-Z0-9_]{0,31}$'], ['engineVersion', '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$']] as const) {
        const text = score({ resources: { db: db({ [key]: bad }) } });
        expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, key)}: resources.db.params.${key}: must match pattern ${pattern}`);
      }
    }
  });

  it("egress: basic opens TCP 3306 to the database's pods when egress is restricted", () => {
    const { objects } = render(score({ resources: { db: db(), networking: { type: 'basic', params: { ingress: { type: 'none' } } } } }));
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-db', 'app.kubernetes.io/component': 'database' } } }], ports: [{ protocol: 'TCP', port: 3306 }] });
  });

  it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
    await expectSchemaValid(render(typical, 'dev'));
    await expectSchemaValid(renderPreview(typical));
  });
});
