import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { renderPreview } from '../test-support/preview';
import { at, expectSchemaValid, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { DB_SERVER: '${resources.db.server}', DB_PORT: '${resources.db.port}', DB_NAME: '${resources.db.database}', DB_USER: '${resources.db.username}', DB_PASSWORD: '${resources.db.password}', DB_CONNECTION: '${resources.db.connection}' } };
const db = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'mssql', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { db: db() } });


describe('mssql (in-cluster StatefulSet, dev and preview)', () => {
  it('golden: typical (dev, preview)', async () => {
    await expect(goldenYaml(byComponent(render(typical, 'dev').objects, 'database'))).toMatchFileSnapshot('__golden__/typical.dev.yaml');
    await expect(goldenYaml(byComponent(renderPreview(typical).objects, 'database'))).toMatchFileSnapshot('__golden__/typical.preview.yaml');
  });

  it('Password generator → ExternalSecret → Service and StatefulSet; the sa password only as a secretKeyRef', () => {
    const { objects, yaml } = render(typical);
    expect(kinds(byComponent(objects, 'database')).sort()).toEqual(['ExternalSecret/shop-db-credentials', 'Password/shop-db-credentials', 'Service/shop-db', 'StatefulSet/shop-db']);
    const container = at(findObject(objects, 'StatefulSet', 'shop-db'), 'spec', 'template', 'spec', 'containers', 0) as { image: string; env: unknown[] };
    expect(container.image).toBe('mcr.microsoft.com/mssql/server:2022-CU15-ubuntu-22.04');
    expect(container.env).toEqual([
      { name: 'ACCEPT_EULA', value: 'Y' },
      { name: 'MSSQL_PID', value: 'Developer' },
      { name: 'MSSQL_SA_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-credentials', key: 'password' } } },
    ]);
    expect(at(findObject(objects, 'ExternalSecret', 'shop-db-credentials'), 'spec', 'target', 'template', 'data')).toEqual({ password: '{{ .password }}' });
    expect(yaml).not.toMatch(/password: (?!"?\{\{)/);
  });

  it("outputs: score-k8s's server, port, connection, database, username, password (the password a ref, also inside the connection)", () => {
    const env = containerEnv(render(typical).objects);
    const refs = Object.keys(env).filter((name) => name.startsWith('__ref_'));
    expect(refs).toHaveLength(1);
    expect(env).toEqual({
      [refs[0]!]: { secretKeyRef: { name: 'shop-db-credentials', key: 'password' } },
      DB_SERVER: 'shop-db',
      DB_PORT: '1433',
      DB_NAME: 'master',
      DB_USER: 'sa',
      DB_PASSWORD: { secretKeyRef: { name: 'shop-db-credentials', key: 'password' } },
      DB_CONNECTION: `Server=tcp:shop-db,1433;Initial Catalog=master;User ID=sa;Password=$(${refs[0]!});TrustServerCertificate=true`,
    });
  });

  it('a shared id is refused naming the environment; a 63-character workload name keeps names valid', () => {
    expect(renderError(score({ containers: { web: WEB }, resources: { db: db({}, { id: 'orders' }) } }))).toMatch(/mssql \(in-cluster\): a shared id is not supported in dev: each service gets its own in-cluster database$/);
    expectValidNames(byComponent(render(score({ name: 'a'.repeat(63), containers: { web: WEB }, resources: { db: db() } })).objects, 'database'));
  });

  it('params validation and injection: every string param has a pattern, so such values are rejected with the position', () => {
    const tag = score({ containers: { web: WEB }, resources: { db: db({ imageTag: '2019-CU27-ubuntu-20.04' }) } });
    expect(at(findObject(render(tag).objects, 'StatefulSet', 'shop-db'), 'spec', 'template', 'spec', 'containers', 0, 'image')).toBe('mcr.microsoft.com/mssql/server:2019-CU27-ubuntu-20.04');
    for (const bad of INJECTIONS) {
      for (const key of ['imageTag', 'storageSize']) {
        const text = score({ resources: { db: db({ [key]: bad }) } });
        // The extended Score schema checks params against both implementations of the type (it cannot know the
        // environment) and reports the first's complaint; either way the value is refused at its position.
        expect(renderError(text)).toMatch(new RegExp(`^services/svc/score\\.yaml:${positionOf(text, key)}: resources\\.db\\.params\\.${key}: (unknown field '${key}'|must match pattern )`));
      }
    }
  });

  it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
    await expectSchemaValid(render(typical, 'dev'));
    await expectSchemaValid(renderPreview(typical));
  });
});
