// The checks every provisioner built on provisioners/_shared/rds-instance.yaml.njk shares (postgres-instance-rds,
// mysql-rds): one table row per engine, so that the RDS behaviour is asserted the same way for each.
import { describe, expect, it } from 'vitest';
import { findObject } from './render';
import { at, expectSchemaValid, INJECTIONS, kinds, positionOf, render, renderError, score } from './helpers';
import { byComponent, containerEnv, goldenYaml } from './networking';

export interface RdsInstanceCase {
  /** The Score resource type (mysql, postgres-instance). */
  type: string;
  /** The RDS engine and its port. */
  engine: string;
  port: number;
  /** What serves the type in dev, for the test's title, and the database objects it renders there. */
  devImplementation: string;
  devKinds: string[];
  /** The title of the outputs test (it names score-k8s's output keys of the type). */
  outputsTitle: string;
  /** Each string param with the pattern that refuses hostile values. */
  patterns: ReadonlyArray<readonly [string, string]>;
}

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { DB_HOST: '${resources.db.host}', DB_PORT: '${resources.db.port}', DB_NAME: '${resources.db.name}', DB_USER: '${resources.db.username}', DB_PASSWORD: '${resources.db.password}' } };

export function describeRdsInstance(c: RdsInstanceCase): void {
  const db = (params: Record<string, unknown> = {}) => ({ type: c.type, params });
  const typical = score({ containers: { web: WEB }, resources: { db: db() } });

  describe(`${c.type} (RDS, staging and prod)`, () => {
    it('golden: typical (staging, prod)', async () => {
      for (const env of ['staging', 'prod']) {
        await expect(goldenYaml(byComponent(render(typical, env).objects, 'database'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`) // next to the calling test file;
      }
    });

    it(`the environment chooses the implementation: RDS in staging and prod, ${c.devImplementation} in dev`, () => {
      expect(kinds(byComponent(render(typical, 'prod').objects, 'database'))).toEqual(['DBInstance/shop-db', 'ExternalSecret/shop-db-master', 'Password/shop-db-master']);
      expect(kinds(byComponent(render(typical, 'staging').objects, 'database'))).toEqual(['DBInstance/shop-db', 'ExternalSecret/shop-db-master', 'Password/shop-db-master']);
      expect(kinds(byComponent(render(typical, 'dev').objects, 'database')).sort()).toEqual(c.devKinds);
    });

    it(`a ${c.engine} DBInstance on ${c.port} with the master password from an External Secrets generator (no value in the render)`, () => {
      const { objects, yaml } = render(typical, 'prod');
      expect(at(findObject(objects, 'DBInstance'), 'spec')).toMatchObject({
        dbInstanceIdentifier: 'prod-payments-shop-db',
        engine: c.engine,
        port: c.port,
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

    it(c.outputsTitle, () => {
      expect(containerEnv(render(typical, 'staging').objects)).toEqual({
        DB_HOST: 'staging-payments-shop-db.c2stg5mw8r1t.eu-west-1.rds.amazonaws.com',
        DB_PORT: String(c.port),
        DB_NAME: 'app',
        DB_USER: { secretKeyRef: { name: 'shop-db-master', key: 'username' } },
        DB_PASSWORD: { secretKeyRef: { name: 'shop-db-master', key: 'password' } },
      });
    });

    it('params validation and injection: every string param has a pattern, so such values are rejected with the position', () => {
      for (const bad of INJECTIONS) {
        for (const [key, pattern] of c.patterns) {
          const text = score({ resources: { db: db({ [key]: bad }) } });
          expect(renderError(text, 'prod')).toBe(`services/svc/score.yaml:${positionOf(text, key)}: resources.db.params.${key}: must match pattern ${pattern}`);
        }
      }
    });

    it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
      for (const env of ['staging', 'prod']) await expectSchemaValid(render(typical, env));
    });
  });
}
