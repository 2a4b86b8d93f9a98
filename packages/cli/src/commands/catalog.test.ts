import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import type { Entity } from '@backstage/catalog-model';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { run } from '../main';
import { REPO_ROOT, scoreFile, tempWorkspace } from '../test-support/workspace';
import type { TempWorkspace } from '../test-support/workspace';

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: REPO_ROOT, env: {} });
  return { code, stdout, stderr };
}

// What the Backstage catalog runs on every entity it ingests: the default policies, then the kind's validator.
const policies = EntityPolicies.allOf([new DefaultNamespaceEntityPolicy(), new NoForeignRootFieldsEntityPolicy(), new FieldFormatEntityPolicy(), new SchemaValidEntityPolicy()]);
const kindValidators = [componentEntityV1alpha1Validator, apiEntityV1alpha1Validator, resourceEntityV1alpha1Validator];

/** The entity's error message, or undefined when Backstage accepts it. */
async function backstageError(entity: Entity): Promise<string | undefined> {
  try {
    const checked = await policies.enforce(structuredClone(entity));
    if (!checked) return 'rejected by the entity policies';
    const accepted = await Promise.all(kindValidators.map((v) => v.check(checked)));
    return accepted.filter(Boolean).length === 1 ? undefined : `no validator for kind ${entity.kind}`;
  } catch (err) {
    return (err as Error).message;
  }
}

const entitiesOf = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Entity);

describe('score-nx catalog', () => {
  it('writes entities Backstage accepts for every example service, with owner, system, resources and plugin annotations', async () => {
    const r = await cli(['catalog']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const entities = entitiesOf(r.stdout);
    for (const entity of entities) expect([entity.kind, entity.metadata.name, await backstageError(entity)]).toEqual([entity.kind, entity.metadata.name, undefined]);

    const components = entities.filter((e) => e.kind === 'Component').map((e) => e.metadata.name);
    expect(components).toEqual(['checkout-canary', 'hello-web', 'ledger-api', 'my-service', 'order-worker']);
    const ledger = entities.find((e) => e.kind === 'Component' && e.metadata.name === 'ledger-api')!;
    expect(ledger.metadata.annotations).toEqual({
      'argocd/app-selector': 'score-nx.dev/service=ledger-api',
      'backstage.io/kubernetes-id': 'ledger-api',
      'backstage.io/kubernetes-label-selector': 'app.kubernetes.io/name=ledger-api,app.kubernetes.io/managed-by=score-nx',
      'score-nx.dev/environments': 'dev,preview,prod,staging',
      'score-nx.dev/score-file': 'services/ledger-api/score.yaml',
    });
    // The blue-green resource owns the workload: it is the Component, not a dependency.
    expect(ledger.spec).toEqual({
      type: 'service',
      lifecycle: 'production',
      owner: 'group:MyOrg',
      system: 'checkout',
      dependsOn: ['resource:ledger-api-db', 'resource:ledger-api-monitoring', 'resource:ledger-api-networking', 'resource:ledger-api-pod-identity', 'resource:s3-bucket-shared-documents'],
    });
    // The documents bucket, shared by id between two services, is one Resource.
    const shared = entities.filter((e) => e.metadata.name === 's3-bucket-shared-documents');
    expect(shared).toHaveLength(1);
    expect(shared[0]!.spec).toEqual({ type: 's3-bucket', owner: 'group:MyOrg', system: 'checkout' });
    expect(entities.find((e) => e.metadata.name === 'hello-web')!.spec).toEqual({ type: 'service', lifecycle: 'production', owner: 'group:web' });
  });

  it('is deterministic and writes the file given with -o', async () => {
    const w = (ws = tempWorkspace());
    w.write('services/api/score.yaml', scoreFile('api').replace('engineNamespace: team-a', 'engineNamespace: team-a\n  owner: team-a'));
    const first = await w.cli(['catalog', '-o', 'out/catalog-info.yaml']);
    expect(first).toEqual({ code: 0, stdout: '', stderr: '' });
    const second = await w.cli(['catalog']);
    expect(second.stdout).toBe(readFileSync(join(w.root, 'out/catalog-info.yaml'), 'utf8'));
  });

  it('declares the APIs of metadata.apis with their definition, a single environment by its Argo CD application name', async () => {
    const w = (ws = tempWorkspace({
      'services/orders/score.yaml': scoreFile('orders').replace(
        'engineNamespace: team-a',
        'engineNamespace: team-a\n  repoSlug: shop/orders\n  lifecycle: experimental\n  apis:\n    orders-api:\n      type: openapi\n      definition: ./openapi.yaml',
      ),
      'services/orders/openapi.yaml': 'openapi: 3.0.0\ninfo: {title: Orders, version: 1.0.0}\npaths: {}\n',
      'services/orders/service-config.yaml': 'environments:\n  dev:\n    images: {main: "r/orders:1"}\n',
    }));
    const r = await w.cli(['catalog']);
    expect(r.stderr).toBe('');
    const entities = entitiesOf(r.stdout);
    for (const entity of entities) expect(await backstageError(entity)).toBeUndefined();
    expect(entities.map((e) => `${e.kind}:${e.metadata.name}`)).toEqual(['Component:orders', 'API:orders-api']);
    expect(entities[0]!.spec).toEqual({ type: 'service', lifecycle: 'experimental', owner: 'group:shop', providesApis: ['api:orders-api'] });
    expect(entities[0]!.metadata.annotations!['argocd/app-name']).toBe('orders-dev');
    expect(entities[1]!.spec).toEqual({ type: 'openapi', lifecycle: 'experimental', owner: 'group:shop', definition: 'openapi: 3.0.0\ninfo: {title: Orders, version: 1.0.0}\npaths: {}\n' });
  });

  it('refuses a service without an owner, and an API definition outside the service folder, by file:line:col', async () => {
    const w = (ws = tempWorkspace({ 'services/api/score.yaml': scoreFile('api') }));
    const r = await w.cli(['catalog', '-o', 'catalog-info.yaml']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'services/api/score.yaml:2:1: metadata: a catalog Component needs an owner: set metadata.owner (a team) or metadata.repoSlug (owner/name)\n' });
    w.write('services/api/score.yaml', scoreFile('api').replace('engineNamespace: team-a', 'engineNamespace: team-a\n  owner: a\n  apis:\n    x:\n      type: openapi\n      definition: ../../secret.yaml'));
    const escape = await w.cli(['catalog']);
    expect(escape).toEqual({ code: 1, stdout: '', stderr: "services/api/score.yaml:9:7: metadata.apis.x.definition: source '../../secret.yaml' leaves the service folder\n" });
  });
});

describe('the Backstage validation the tests rely on', () => {
  const valid: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'a' }, spec: { type: 'service', lifecycle: 'production', owner: 'group:t' } };
  it('accepts a well-formed Component and rejects broken ones', async () => {
    expect(await backstageError(valid)).toBeUndefined();
    expect(await backstageError({ ...valid, spec: { type: 'service', owner: 'group:t' } })).toMatch(/lifecycle/);
    expect(await backstageError({ ...valid, metadata: { name: 'bad name!' } })).toMatch(/metadata\.name/);
    expect(await backstageError({ ...valid, metadata: { name: 'a', annotations: { 'not a key': 'x' } } })).toMatch(/annotations/);
    expect(await backstageError({ ...valid, spec: { ...valid.spec, dependsOn: 'resource:x' } })).toMatch(/dependsOn/);
  });
});
