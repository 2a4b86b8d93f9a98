// The example services of services/ (order-worker, ledger-api, checkout-canary) and the seed my-service.
import { describe, expect, it } from 'vitest';
import { generateShared } from '@score-nx/engine';
import { findObject, renderRepoService, WORKSPACE_ROOT } from '../test-support/render';
import { at, expectSchemaValid, expectValidNames } from '../test-support/helpers';
import { byComponent } from '../test-support/networking';

const SERVICES = ['my-service', 'order-worker', 'ledger-api', 'checkout-canary'];
const ENVS: Array<[string, number | undefined]> = [['dev', undefined], ['staging', undefined], ['prod', undefined], ['preview', 42]];

describe('example services', () => {
  it('render for every environment, with valid names and strict schemas (nothing skipped)', async () => {
    for (const service of SERVICES) {
      for (const [env, pr] of ENVS) {
        const result = renderRepoService(service, env, pr);
        expectValidNames(result.objects, { exceptLabels: [] });
        await expectSchemaValid(result);
      }
    }
  });

  it('ledger-api and checkout-canary share the shared-documents Bucket: identical copies, owned once by the shared output', () => {
    for (const [env, pr] of ENVS) {
      const ledger = renderRepoService('ledger-api', env, pr);
      const canary = renderRepoService('checkout-canary', env, pr);
      // Neither service owns it (nor the payments Namespace they share with my-service)...
      for (const r of [ledger, canary]) expect(r.objects.filter((o) => o.kind === 'Bucket' || o.kind === 'Namespace')).toEqual([]);
      const a = findObject(ledger.shared, 'Bucket');
      expect(a.metadata.name).toBe('shared-documents');
      expect(findObject(canary.shared, 'Bucket')).toEqual(a);
      // ...the platform's shared output does, once, with the namespace.
      const shared = generateShared({ workspaceRoot: WORKSPACE_ROOT, environment: env, ...(pr !== undefined ? { pr } : {}) });
      expect(shared.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`Namespace/${ledger.namespace}`, 'Bucket/shared-documents']);
      expect(findObject(shared.objects, 'Bucket')).toEqual(a);
    }
  });

  it('checkout-canary: egress to ledger-api, Rollouts splits VirtualServices that exist', () => {
    const { objects } = renderRepoService('checkout-canary', 'dev');
    expect(at(findObject(objects, 'NetworkPolicy', 'checkout-canary'), 'spec', 'egress')).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ledger-api' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
    const listed = (at(findObject(objects, 'Rollout'), 'spec', 'strategy', 'canary', 'trafficRouting', 'istio', 'virtualServices') as Array<{ name: string; routes: string[] }>);
    expect(listed.map((v) => v.name)).toEqual(['checkout-canary-canary', 'checkout-canary-public', 'checkout-canary-private']);
    for (const { name, routes } of listed) {
      const http = at(findObject(objects, 'VirtualService', name), 'spec', 'http') as Array<{ name: string; route: unknown[] }>;
      for (const route of routes) expect(http.find((h) => h.name === route)?.route).toHaveLength(2);
    }
  });

  it('order-worker: no gateway objects, restricted egress, the migration Job', () => {
    const { objects } = renderRepoService('order-worker', 'dev');
    expect(byComponent(objects, 'networking').map((o) => o.kind).sort()).toEqual(['DestinationRule', 'DestinationRule', 'NetworkPolicy']); // active and preview
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['order-worker-migrate']);
  });
});
