import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, INJECTIONS, kinds, positionOf, renderError, score } from '../test-support/helpers';
import { ENVIRONMENTS, renderIn } from '../test-support/environments';
import { positionOfText } from '../test-support/networking';

const withPort = (params: Record<string, unknown>, networking = false) => score({
  resources: {
    ledger: { type: 'service-port', params },
    config: { type: 'configmap', params: { configData: { HOST: '${resources.ledger.hostname}', PORT: '${resources.ledger.port}' } } },
    ...(networking ? { networking: { type: 'basic', params: { ingress: { type: 'none' } } } } : {}),
  },
});
const configOf = (text: string, env = 'dev') => findObject(renderIn(text, env).objects, 'ConfigMap', 'shop-config').data;

describe('service-port', () => {
  it('hostname and port of another workload, in this render namespace (every environment)', () => {
    const expected: Record<string, string> = { dev: 'payments', preview: 'payments-pr-7', staging: 'payments', prod: 'payments' };
    for (const env of ENVIRONMENTS) {
      expect(configOf(withPort({ workload: 'ledger-api', port: 8080 }), env)).toEqual({ HOST: `ledger-api.${expected[env]}.svc.cluster.local`, PORT: '8080' });
    }
    expect(configOf(withPort({ workload: 'ledger-api', port: 8080, namespace: 'ledger' }))).toEqual({ HOST: 'ledger-api.ledger.svc.cluster.local', PORT: '8080' });
  });

  it('a port name resolves against this workload service.ports; for another workload it is an error that says why', () => {
    expect(configOf(withPort({ workload: 'shop', port: 'http' }))).toEqual({ HOST: 'shop.payments.svc.cluster.local', PORT: '80' });
    expect(renderError(withPort({ workload: 'ledger-api', port: 'http' }))).toContain("service-port: port 'http' is a name; for another workload ('ledger-api') give the Service port number (a render reads only its own Score file)");
    expect(renderError(withPort({ workload: 'shop', port: 'grpc' }))).toContain("service-port: port 'grpc' is not in service.ports of 'shop'");
  });

  it('egress: basic opens the target port of the other workload pods; no objects of its own', () => {
    const { objects } = renderIn(withPort({ workload: 'ledger-api', port: 80, targetPort: 3000 }, true), 'dev');
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ledger-api' } } }],
      ports: [{ protocol: 'TCP', port: 3000 }],
    });
    // the same port of this workload by name: the egress goes to its container port
    const self = renderIn(withPort({ workload: 'shop', port: 'http' }, true), 'dev').objects;
    expect((at(findObject(self, 'NetworkPolicy', 'shop'), 'spec', 'egress') as Array<{ ports?: unknown }>).at(-1)?.ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
    expect(kinds(renderIn(withPort({ workload: 'ledger-api', port: 80 }), 'dev').objects)).toEqual(kinds(renderIn(score({ resources: { config: { type: 'configmap', params: { configData: { HOST: 'x', PORT: '1' } } } } }), 'dev').objects));
  });

  it('params validation and injection: rejected with the position', () => {
    const missing = score({ resources: { ledger: { type: 'service-port', params: { workload: 'ledger-api' } } } });
    expect(renderError(missing)).toBe(`services/svc/score.yaml:${positionOf(missing, 'params')}: resources.ledger.params: missing required field 'port'`);
    for (const bad of INJECTIONS) {
      const text = score({ resources: { ledger: { type: 'service-port', params: { workload: bad, port: 80 } } } });
      expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'workload')}: resources.ledger.params.workload: must match pattern ^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`);
      const port = score({ resources: { ledger: { type: 'service-port', params: { workload: 'shop', port: bad } } } });
      expect(renderError(port).startsWith(`services/svc/score.yaml:${positionOfText(port, `"port": ${JSON.stringify(bad)}`)}: resources.ledger.params.port: `)).toBe(true);
    }
  });
});
