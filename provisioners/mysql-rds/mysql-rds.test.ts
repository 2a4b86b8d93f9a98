import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { DB_HOST: '${resources.db.host}', DB_PORT: '${resources.db.port}', DB_NAME: '${resources.db.name}', DB_USER: '${resources.db.username}', DB_PASSWORD: '${resources.db.password}' } };
const db = (params: Record<string, unknown> = {}) => ({ type: 'mysql', params });
const typical = score({ containers: { web: WEB }, resources: { db: db() } });

describe('mysql (RDS, staging and prod)', () => {
  it('golden: typical (staging, prod)', async () => {
    for (const env of ['staging', 'prod']) {
      await expect(goldenYaml(byComponent(render(typical, env).objects, 'database'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('the environment chooses the implementation: RDS in staging and prod, a StatefulSet in dev', () => {
    expect(kinds(byComponent(render(typical, 'prod').objects, 'database'))).toEqual(['DBInstance/shop-db', 'ExternalSecret/shop-db-master', 'Password/shop-db-master']);
    expect(kinds(byComponent(render(typical, 'staging').objects, 'database'))).toEqual(['DBInstance/shop-db', 'ExternalSecret/shop-db-master', 'Password/shop-db-master']);
    expect(kinds(byComponent(render(typical, 'dev').objects, 'database')).sort()).toEqual(['ExternalSecret/shop-db-credentials', 'Password/shop-db-credentials', 'Service/shop-db', 'StatefulSet/shop-db']);
  });

  it('a mysql DBInstance on 3306 with the master password from an External Secrets generator (no value in the render)', () => {
    const { objects, yaml } = render(typical, 'prod');
    expect(at(findObject(objects, 'DBInstance'), 'spec')).toMatchObject({
      dbInstanceIdentifier: 'prod-payments-shop-db',
      engine: 'mysql',
      port: 3306,
      dbName: 'app',
      masterUsername: 'dbadmin',
      masterUserPassword: { name: 'shop-db-master', key: 'password', namespace: 'payments' },
      deletionProtection: true,
      publiclyAccessible: false,
      storageEncrypted: true,
    });
    expect(at(findObject(objects, 'ExternalSecret'), 'spec', 'dataFrom')).toEqual([{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'shop-db-master' } } }]);
    expect(yaml).not.toMatch(/password: (?!"?\{\{)/);
  });

  it("outputs: score-k8s's host, port, name, database, username, password (refs for the secrets)", () => {
    expect(containerEnv(render(typical, 'staging').objects)).toEqual({
      DB_HOST: 'staging-payments-shop-db.c2stg5mw8r1t.eu-west-1.rds.amazonaws.com',
      DB_PORT: '3306',
      DB_NAME: 'app',
      DB_USER: { secretKeyRef: { name: 'shop-db-master', key: 'username' } },
      DB_PASSWORD: { secretKeyRef: { name: 'shop-db-master', key: 'password' } },
    });
  });

  it('params validation and injection: every string param has a pattern, so such values are rejected with the position', () => {
    for (const bad of INJECTIONS) {
      for (const [key, pattern] of [['dbName', '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'], ['username', '^[a-zA-Z][a-zA-Z0-9_]{0,31}$'], ['engineVersion', '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$']] as const) {
        const text = score({ resources: { db: db({ [key]: bad }) } });
        expect(renderError(text, 'prod')).toBe(`services/svc/score.yaml:${positionOf(text, key)}: resources.db.params.${key}: must match pattern ${pattern}`);
      }
    }
  });

  it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
    for (const env of ['staging', 'prod']) await expectSchemaValid(render(typical, env));
  });
});
