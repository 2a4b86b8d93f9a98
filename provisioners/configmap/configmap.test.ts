import { describe, expect, it } from 'vitest';
import { sha256Hex } from '@score-nx/engine/testing';
import { findObject } from '../test-support/render';
import { at, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';

const labels = {
  'app.kubernetes.io/component': 'config',
  'app.kubernetes.io/instance': 'shop-b753943597',
  'app.kubernetes.io/managed-by': 'score-nx',
  'app.kubernetes.io/name': 'shop',
  'platform.example.com/namespace': 'payments',
  'platform.example.com/system': 'checkout',
};
const withConfig = (configData: Record<string, unknown>, more: Record<string, unknown> = {}) => score({ resources: { config: { type: 'configmap', params: { configData } }, ...more } });

describe('configmap', () => {
  it('renders the ConfigMap and loads it into the workload (golden)', () => {
    const { objects } = render(withConfig({ APP_NAME: 'shop', REGION: '${metadata.region}', WORKERS: 4, DEBUG: false }));
    expect(kinds(objects)).toEqual(['ConfigMap/shop-config', 'Service/shop', 'Deployment/shop']);
    expect(findObject(objects, 'ConfigMap')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shop-config', namespace: 'payments', labels, annotations: { 'argocd.argoproj.io/sync-wave': '-5' } },
      data: { APP_NAME: 'shop', REGION: 'eu-west-1', WORKERS: '4', DEBUG: 'false' },
    });
    const deployment = findObject(objects, 'Deployment');
    expect(at(deployment, 'spec', 'template', 'spec', 'containers', 0, 'envFrom')).toEqual([{ configMapRef: { name: 'shop-config' } }]);
    const checksum = sha256Hex(JSON.stringify({ APP_NAME: 'shop', REGION: 'eu-west-1', WORKERS: 4, DEBUG: false }));
    expect(at(deployment, 'spec', 'template', 'metadata', 'annotations', 'checksum.platform.example.com/configmap-config')).toBe(checksum);
  });

  it('changes the pod template when the data changes, so the workload rolls', () => {
    const a = findObject(render(withConfig({ LOG_LEVEL: 'info' })).objects, 'Deployment');
    const b = findObject(render(withConfig({ LOG_LEVEL: 'debug' })).objects, 'Deployment');
    expect(at(a, 'spec', 'template', 'metadata', 'annotations')).not.toEqual(at(b, 'spec', 'template', 'metadata', 'annotations'));
  });

  it('outputs each key for placeholders, and the region differs per environment', () => {
    const text = score({
      containers: { web: { image: 'registry.example.com/shop:1', variables: { FROM_CONFIG: '${resources.config.REGION}', CM: '${resources.config.name}' } } },
      resources: { config: { type: 'configmap', params: { configData: { REGION: '${metadata.region}' } } } },
    });
    const env = (environment: string) => at(findObject(render(text, environment).objects, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'env');
    expect(env('dev')).toEqual([{ name: 'CM', value: 'shop-config' }, { name: 'FROM_CONFIG', value: 'eu-west-1' }]);
    expect(env('prod')).toEqual([{ name: 'CM', value: 'shop-config' }, { name: 'FROM_CONFIG', value: 'us-east-1' }]);
  });

  it('rejects invalid params with their position, and reserved keys', () => {
    const empty = withConfig({});
    expect(renderError(empty)).toBe(`services/svc/score.yaml:${positionOf(empty, 'configData')}: resources.config.params.configData: must have at least 1 entry`);
    const nested = withConfig({ A: { b: 1 } });
    expect(renderError(nested)).toBe(`services/svc/score.yaml:${positionOf(nested, 'A')}: resources.config.params.configData.A: must be string or number or boolean`);
    expect(renderError(withConfig({ name: 'x' }))).toBe(
      "services/svc/score.yaml:28:5: resources.config: provisioner 'configmap' (outputs.yaml.njk): line 1, column 51: configmap: configData key 'name' is reserved for the resource's own outputs (name, checksum, data); rename it",
    );
  });

  it('injection: values come out as the exact strings; the objects do not change', () => {
    for (const value of INJECTIONS) {
      const { objects } = render(withConfig({ VALUE: value }));
      expect(kinds(objects)).toEqual(['ConfigMap/shop-config', 'Service/shop', 'Deployment/shop']);
      expect(findObject(objects, 'ConfigMap')['data']).toEqual({ VALUE: value });
    }
  });

  it('keeps names within Kubernetes limits for a 63-character workload name', () => {
    const name = `s${'x'.repeat(61)}1`;
    const { objects } = render(score({ name, resources: { 'app-configuration': { type: 'configmap', params: { configData: { A: '1' } } } } }));
    expect(findObject(objects, 'ConfigMap').metadata.name).toMatch(/^sx+-[0-9a-f]{8}$/);
    expectValidNames(objects);
  });
});
