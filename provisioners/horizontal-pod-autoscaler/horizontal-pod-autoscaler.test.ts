import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, positionOf, render, renderError, score, WEB } from '../test-support/helpers';

const labels = (component: string) => ({
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/instance': 'shop-b753943597',
  'app.kubernetes.io/managed-by': 'score-nx',
  'app.kubernetes.io/name': 'shop',
  'platform.example.com/namespace': 'payments',
  'platform.example.com/system': 'checkout',
});

const withRollout = (params: Record<string, unknown>) =>
  score({ resources: { deployment: { type: 'blue-green' }, scaling: { type: 'horizontal-pod-autoscaler', params } } });

describe('horizontal-pod-autoscaler', () => {
  it('renders an HPA on the Rollout and a PDB (golden)', () => {
    const { objects } = render(withRollout({ minReplicas: 2, maxReplicas: 10, scalingMetric: 'cpu', scalingMetricThreshold: 80 }));
    expect(findObject(objects, 'HorizontalPodAutoscaler')).toEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'shop', namespace: 'payments', labels: labels('autoscaling'), annotations: { 'argocd.argoproj.io/sync-wave': '0' } },
      spec: {
        scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shop' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'web', target: { type: 'Utilization', averageUtilization: 80 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
      },
    });
    expect(findObject(objects, 'PodDisruptionBudget')).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'shop', namespace: 'payments', labels: labels('autoscaling'), annotations: { 'argocd.argoproj.io/sync-wave': '0' } },
      spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-b753943597' } } },
    });
  });

  it('cross-object: targets the Rollout by name, which then has no replicas; the PDB selects its pods', () => {
    const { objects } = render(withRollout({ maxReplicas: 3 }));
    const hpa = findObject(objects, 'HorizontalPodAutoscaler');
    const rollout = findObject(objects, 'Rollout', at(hpa, 'spec', 'scaleTargetRef', 'name') as string);
    expect(at(rollout, 'apiVersion')).toBe(at(hpa, 'spec', 'scaleTargetRef', 'apiVersion'));
    expect(at(rollout, 'spec', 'replicas')).toBeUndefined();
    expect(at(rollout, 'spec', 'template', 'metadata', 'labels')).toMatchObject(at(findObject(objects, 'PodDisruptionBudget'), 'spec', 'selector', 'matchLabels') as object);
  });

  it('edge: without an owner it targets the Deployment; memory; minReplicas 1 gives no PDB; one metric per container with requests', async () => {
    const result = render(score({
      containers: { web: WEB, worker: { image: 'registry.example.com/worker:1', resources: { requests: { memory: '64Mi' } } }, tool: { image: 'busybox' } },
      resources: { scaling: { type: 'horizontal-pod-autoscaler', params: { minReplicas: 1, maxReplicas: 1, scalingMetric: 'memory', scalingMetricThreshold: 150 } } },
    }));
    const hpa = findObject(result.objects, 'HorizontalPodAutoscaler');
    expect(at(hpa, 'spec', 'scaleTargetRef')).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' });
    expect(findObject(result.objects, 'Deployment', 'shop')).toBeDefined();
    expect((at(hpa, 'spec', 'metrics') as unknown[]).map((m) => at(m, 'containerResource', 'container'))).toEqual(['web', 'worker']);
    expect(at(hpa, 'spec', 'metrics', 0, 'containerResource', 'target')).toEqual({ type: 'Utilization', averageUtilization: 150 });
    expect(result.objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    await expectSchemaValid(result);
  });

  it('rejects maxReplicas below minReplicas, and a metric no container requests', () => {
    expect(renderError(withRollout({ minReplicas: 3, maxReplicas: 2 }))).toBe(
      "services/svc/score.yaml:31:5: resources.scaling: provisioner 'horizontal-pod-autoscaler' (outputs.yaml.njk): line 1, column 7: maxReplicas (2) must be at least minReplicas (3)",
    );
    expect(renderError(score({ containers: { web: { image: 'nginx' } }, resources: { scaling: { type: 'horizontal-pod-autoscaler', params: { maxReplicas: 2 } } } }))).toContain(
      "the autoscaler's cpu utilization target needs resources.requests.cpu on a container (containers: web)",
    );
  });

  it('rejects invalid params with their position (enum params reject injection strings)', () => {
    const missing = withRollout({ minReplicas: 2 });
    expect(renderError(missing)).toBe(`services/svc/score.yaml:${positionOf(missing, 'params')}: resources.scaling.params: missing required field 'maxReplicas'`);
    const hostile = withRollout({ maxReplicas: 2, scalingMetric: 'x\n---\nkind: Secret' });
    expect(renderError(hostile)).toBe(`services/svc/score.yaml:${positionOf(hostile, 'scalingMetric')}: resources.scaling.params.scalingMetric: must be one of 'cpu' or 'memory'`);
  });
});
