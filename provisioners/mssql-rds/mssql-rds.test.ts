import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { DB_SERVER: '${resources.db.server}', DB_PORT: '${resources.db.port}', DB_NAME: '${resources.db.database}', DB_USER: '${resources.db.username}', DB_PASSWORD: '${resources.db.password}' } };
const db = (params: Record<string, unknown> = {}) => ({ type: 'mssql', params });
const typical = score({ containers: { web: WEB }, resources: { db: db() } });

describe('mssql (RDS, staging and prod)', () => {
  it('golden: typical (staging, prod)', async () => {
    for (const env of ['staging', 'prod']) {
      await expect(goldenYaml(byComponent(render(typical, env).objects, 'database'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('a sqlserver-ex DBInstance on 1433 without dbName (RDS SQL Server has none); the master password from External Secrets', () => {
    const { objects, yaml } = render(typical, 'prod');
    expect(kinds(byComponent(objects, 'database')).sort()).toEqual(['DBInstance/shop-db', 'ExternalSecret/shop-db-master', 'Password/shop-db-master']);
    const spec = at(findObject(objects, 'DBInstance'), 'spec') as Record<string, unknown>;
    expect(spec).toMatchObject({ engine: 'sqlserver-ex', engineVersion: '16.00', dbInstanceClass: 'db.t3.micro', port: 1433, masterUsername: 'dbadmin', masterUserPassword: { name: 'shop-db-master', key: 'password', namespace: 'payments' } });
    expect(spec).not.toHaveProperty('dbName');
    expect(yaml).not.toMatch(/password: (?!"?\{\{)/);
    expect(kinds(byComponent(render(typical, 'dev').objects, 'database')).sort()).toEqual(['ExternalSecret/shop-db-credentials', 'Password/shop-db-credentials', 'Service/shop-db', 'StatefulSet/shop-db']);
  });

  it("outputs: score-k8s's server, port, database, username, password (refs for the secrets)", () => {
    expect(containerEnv(render(typical, 'staging').objects)).toEqual({
      DB_SERVER: 'staging-payments-shop-db.c2stg5mw8r1t.eu-west-1.rds.amazonaws.com',
      DB_PORT: '1433',
      DB_NAME: 'master',
      DB_USER: { secretKeyRef: { name: 'shop-db-master', key: 'username' } },
      DB_PASSWORD: { secretKeyRef: { name: 'shop-db-master', key: 'password' } },
    });
  });

  it('params validation and injection: every string param has a pattern, so such values are rejected with the position', () => {
    for (const bad of INJECTIONS) {
      for (const key of ['username', 'engineVersion']) {
        const text = score({ resources: { db: db({ [key]: bad }) } });
        expect(renderError(text, 'prod')).toContain(`services/svc/score.yaml:${positionOf(text, key)}: resources.db.params.${key}: `);
      }
    }
  });

  it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
    for (const env of ['staging', 'prod']) await expectSchemaValid(render(typical, env));
  });
});
