import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';

const labels = {
  'app.kubernetes.io/component': 'secrets',
  'app.kubernetes.io/instance': 'shop-78d1f012af',
  'app.kubernetes.io/managed-by': 'score-nx',
  'app.kubernetes.io/name': 'shop',
  'platform.example.com/namespace': 'payments',
  'platform.example.com/system': 'checkout',
};
const withSecret = (params: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  score({ resources: { deployment: { type: 'blue-green' }, identity: { type: 'pod-identity' }, secrets: { type: 'cloud-secret', params }, ...more } });

describe('cloud-secret', () => {
  it('renders a SecretStore assuming the pod-identity role and an ExternalSecret (golden, prod: v1beta1)', () => {
    const { objects } = render(withSecret({ name: 'payments/shop/secrets' }), 'prod');
    expect(findObject(objects, 'SecretStore')).toEqual({
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'SecretStore',
      metadata: { name: 'shop-secrets-manager', namespace: 'payments', labels, annotations: { 'argocd.argoproj.io/sync-wave': '-5' } },
      spec: { provider: { aws: { service: 'SecretsManager', region: 'us-east-1', role: 'arn:aws:iam::333333333333:role/prod-prod-use1-payments-shop' } } },
    });
    expect(findObject(objects, 'ExternalSecret')).toEqual({
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: 'shop-secrets', namespace: 'payments', labels, annotations: { 'argocd.argoproj.io/sync-wave': '-4' } },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'shop-secrets-manager', kind: 'SecretStore' },
        target: { name: 'shop-secrets', creationPolicy: 'Owner' },
        dataFrom: [{ extract: { key: 'payments/shop/secrets' } }],
      },
    });
    expect(findObject(render(withSecret({ name: 'payments/shop/secrets' }), 'dev').objects, 'ExternalSecret').apiVersion).toBe('external-secrets.io/v1');
  });

  it('cross-object: the workload loads the Secret the ExternalSecret creates; the store role is the pod-identity role', () => {
    const { objects } = render(withSecret({ name: 'payments/shop/secrets' }));
    const es = findObject(objects, 'ExternalSecret');
    const container = at(findObject(objects, 'Rollout'), 'spec', 'template', 'spec', 'containers', 0);
    expect(at(container, 'envFrom')).toEqual([{ secretRef: { name: at(es, 'spec', 'target', 'name') } }]);
    expect(at(findObject(objects, 'SecretStore', at(es, 'spec', 'secretStoreRef', 'name') as string), 'spec', 'provider', 'aws', 'role')).toBe(
      `arn:aws:iam::111111111111:role/${at(findObject(objects, 'Role'), 'spec', 'name') as string}`,
    );
    // no secret value is ever rendered: no Secret object, only the remote key's name
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('edge: two secrets share one SecretStore; refreshInterval', () => {
    const two = render(withSecret({ name: 'payments/shop/a', refreshInterval: '15m' }, { more: { type: 'cloud-secret', params: { name: 'payments/shop/b' } } })).objects;
    expect(kinds(two).filter((k) => /Secret/.test(k)).sort()).toEqual(['ExternalSecret/shop-more', 'ExternalSecret/shop-secrets', 'SecretStore/shop-secrets-manager']);
    expect(at(findObject(two, 'ExternalSecret', 'shop-secrets'), 'spec', 'refreshInterval')).toBe('15m');
    expect(at(findObject(two, 'Rollout'), 'spec', 'template', 'spec', 'containers', 0, 'envFrom')).toEqual([{ secretRef: { name: 'shop-more' } }, { secretRef: { name: 'shop-secrets' } }]);
  });

  it('needs a pod-identity resource', () => {
    expect(renderError(score({ resources: { secrets: { type: 'cloud-secret', params: { name: 'payments/shop/a' } } } }))).toContain(
      'cloud-secret needs exactly one pod-identity resource in the workload (found 0)',
    );
  });

  it('trust (issue 11): the role External Secrets assumes is never a param — a Score file naming one is refused with its position', () => {
    const text = withSecret({ name: 'payments/shop/a', roleArn: 'arn:aws:iam::222222222222:role/ledger-api' });
    expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'roleArn')}: resources.secrets.params.roleArn: unknown field 'roleArn'`);
  });

  it('rejects invalid params with their position', () => {
    const missing = withSecret({});
    expect(renderError(missing)).toBe(`services/svc/score.yaml:${positionOf(missing, 'params')}: resources.secrets.params: missing required field 'name'`);
    const bad = withSecret({ name: 'payments/shop/a', refreshInterval: 'x\n---\nkind: Secret' });
    expect(renderError(bad)).toBe(`services/svc/score.yaml:${positionOf(bad, 'refreshInterval')}: resources.secrets.params.refreshInterval: must match pattern ^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$`);
  });

  it('injection: an injected name is refused, objects unchanged', () => {
    for (const value of INJECTIONS) expect(renderError(withSecret({ name: `payments/shop/${value}` }))).toContain('cloud-secret: name ');
  });

  it("scope (issue 11): name '*' and names outside the service's prefix are refused, naming the prefix", () => {
    expect(renderError(withSecret({ name: '*' }))).toContain("cloud-secret: name '*' may hold only letters, digits and / _ + = . @ - (no wildcards)");
    expect(renderError(withSecret({ name: 'payments/shop/*' }))).toContain('(no wildcards)');
    for (const name of ['ledger/ledger-api/db', 'payments/shop', 'payments/shop/', 'payments/shopping/x', 'payments/shop/../other/x']) {
      expect(renderError(withSecret({ name }))).toContain(`cloud-secret: name '${name}' is outside the service's secrets: it must start with 'payments/shop/' (environment dev)`);
    }
  });
});
