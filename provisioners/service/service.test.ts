import { describe, expect, it } from 'vitest';
import { findObject, tempService } from '../test-support/render';
import { at, INJECTIONS, positionOf, render, renderError, score } from '../test-support/helpers';
import { kindCounts, positionOfText } from '../test-support/networking';

const withLedger = (params: Record<string, unknown>, allowAll = false) => score({
  resources: {
    ledger: { type: 'service', params },
    networking: { type: 'basic', params: { ingress: { type: 'private' }, egress: { allowAll } } },
    config: { type: 'configmap', params: { configData: { HOST: '${resources.ledger.host}', PORT: '${resources.ledger.port}', URL: '${resources.ledger.url}', NS: '${resources.ledger.namespace}' } } },
  },
});
const egressOf = (text: string) => at(findObject(render(text).objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[];
const BUILT_IN = 3; // DNS, istiod, Pod Identity agent

describe('service', () => {
  it('outputs the in-cluster address; defaults: this namespace, port 80', () => {
    expect(findObject(render(withLedger({ name: 'ledger-api' })).objects, 'ConfigMap', 'shop-config').data).toEqual({
      HOST: 'ledger-api.payments.svc.cluster.local', PORT: '80', URL: 'http://ledger-api.payments.svc.cluster.local:80', NS: 'payments',
    });
    // previews: the render's namespace carries the pull request suffix
    const preview = tempPreview(withLedger({ name: 'ledger-api' }));
    expect(preview).toMatchObject({ HOST: 'ledger-api.payments-pr-7.svc.cluster.local', NS: 'payments-pr-7' });
  });

  it('opens egress to the service pods (restricted egress), once per service, and to the target port only when given', () => {
    const egress = egressOf(withLedger({ name: 'ledger-api', namespace: 'ledger', port: 8080, targetPort: 3000 }));
    expect(egress).toHaveLength(BUILT_IN + 1);
    expect(egress[BUILT_IN]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ledger' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ledger-api' } } }],
      ports: [{ protocol: 'TCP', port: 3000 }],
    });
    expect(egressOf(withLedger({ name: 'ledger-api' }))[BUILT_IN]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ledger-api' } } }],
    });
    // two resources naming the same service give identical rules: kept once
    const twice = score({
      resources: {
        ledger: { type: 'service', params: { name: 'ledger-api' } },
        ledger2: { type: 'service', params: { name: 'ledger-api' } },
        networking: { type: 'basic', params: { ingress: { type: 'none' } } },
      },
    });
    expect(egressOf(twice)).toHaveLength(BUILT_IN + 1);
    // allowAll ignores the rules
    expect(egressOf(withLedger({ name: 'ledger-api' }, true))).toEqual([{}]);
  });

  it('emits no objects of its own', () => {
    const plain = render(score({ resources: {} })).objects;
    const withService = render(score({ resources: { ledger: { type: 'service', params: { name: 'ledger-api' } } } })).objects;
    expect(kindCounts(withService)).toEqual(kindCounts(plain));
  });

  it('params validation: exact messages', () => {
    const port = score({ resources: { ledger: { type: 'service', params: { name: 'ledger-api', port: 70000 } } } });
    expect(renderError(port)).toBe(`services/svc/score.yaml:${positionOfText(port, '"port": 70000')}: resources.ledger.params.port: must be <= 65535`);
  });

  it('no params (as the public Score samples write it): the resource name is the other workload name', () => {
    const text = score({
      resources: {
        cart: { type: 'service' },
        config: { type: 'configmap', params: { configData: { NAME: '${resources.cart.name}', HOST: '${resources.cart.host}', PORT: '${resources.cart.port}' } } },
      },
    });
    expect(findObject(render(text).objects, 'ConfigMap', 'shop-config').data).toEqual({ NAME: 'cart', HOST: 'cart.payments.svc.cluster.local', PORT: '80' });
    // the engine allows resource names that are RFC 1123 labels; one starting with a digit cannot be a Service name
    for (const name of ['9cart', '42']) {
      expect(renderError(score({ resources: { [name]: { type: 'service' } } }))).toContain(`service: the resource name '${name}' is not a DNS-1035 label; give the other service's name in params.name`);
    }
    // params.name still wins over the resource name
    const named = score({ resources: { 'ledger-client': { type: 'service', params: { name: 'ledger-api' } }, config: { type: 'configmap', params: { configData: { HOST: '${resources.ledger-client.host}' } } } } });
    expect(findObject(render(named).objects, 'ConfigMap', 'shop-config').data).toEqual({ HOST: 'ledger-api.payments.svc.cluster.local' });
  });

  it('injection: name and namespace must be DNS labels, so such values are rejected with the position', () => {
    for (const bad of INJECTIONS) {
      for (const key of ['name', 'namespace']) {
        const params = { name: 'ledger-api', [key]: bad };
        const text = score({ resources: { ledger: { type: 'service', params } } });
        const pattern = key === 'name' ? '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$' : '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
        expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, `${key}": ${JSON.stringify(bad).slice(0, -1)}`)}: resources.ledger.params.${key}: must match pattern ${pattern}`);
      }
    }
  });
});

function tempPreview(text: string): Record<string, string> | undefined {
  return findObject(renderPreview(text), 'ConfigMap', 'shop-config').data as Record<string, string> | undefined;
}

function renderPreview(text: string) {
  const service = tempService(text);
  try {
    return service.render('preview', 7).objects;
  } finally {
    service.cleanup();
  }
}
