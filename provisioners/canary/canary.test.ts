import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, expectServicesMatchPods, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';

const withCanary = (params?: Record<string, unknown>, more: Record<string, unknown> = {}, name?: string) =>
  score({ ...(name ? { name } : {}), resources: { deployment: { type: 'canary', ...(params ? { params } : {}) }, ...more } });

describe('canary', () => {
  it('renders the Namespace, ServiceAccount, Rollout, stable/canary Services and the mesh VirtualService (golden, dev and prod)', async () => {
    for (const env of ['dev', 'prod']) await expect(render(withCanary(), env).yaml).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
  });

  it('sets default steps and routes through its VirtualService', () => {
    const { objects } = render(withCanary());
    expect(at(findObject(objects, 'Rollout', 'shop'), 'spec', 'strategy')).toEqual({
      canary: {
        stableService: 'shop',
        canaryService: 'shop-canary',
        trafficRouting: { istio: { virtualServices: [{ name: 'shop-canary', routes: ['primary'] }] } },
        steps: [{ setWeight: 10 }, { pause: { duration: '2m' } }, { setWeight: 50 }, { pause: { duration: '5m' } }],
      },
    });
  });

  it('cross-object: Services select the pods and target container ports; the VirtualService routes to both Services', () => {
    const { objects } = render(withCanary());
    const rollout = findObject(objects, 'Rollout', 'shop');
    expectServicesMatchPods(objects, rollout);
    const canary = at(rollout, 'spec', 'strategy', 'canary') as Record<string, string>;
    const vs = findObject(objects, 'VirtualService', at(rollout, 'spec', 'strategy', 'canary', 'trafficRouting', 'istio', 'virtualServices', 0, 'name') as string);
    const route = (at(vs, 'spec', 'http') as Array<{ name: string; route: Array<{ destination: { host: string }; weight: number }> }>).find((r) => r.name === 'primary')!;
    expect(route.route.map((r) => [r.destination.host, r.weight])).toEqual([
      [`${findObject(objects, 'Service', canary['stableService']).metadata.name}.payments.svc.cluster.local`, 100],
      [`${findObject(objects, 'Service', canary['canaryService']).metadata.name}.payments.svc.cluster.local`, 0],
    ]);
  });

  it('edge: custom steps, further VirtualServices, an autoscaler, indefinite pause', () => {
    const { objects } = render(withCanary(
      { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }, { pause: { duration: 30 } }], virtualServices: [{ name: 'shop-public', routes: ['primary'] }] },
      { scaling: { type: 'horizontal-pod-autoscaler', params: { maxReplicas: 5 } } },
    ));
    const rollout = findObject(objects, 'Rollout', 'shop');
    expect(at(rollout, 'spec', 'replicas')).toBeUndefined();
    expect(at(rollout, 'spec', 'strategy', 'canary', 'steps')).toEqual([{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }, { pause: { duration: 30 } }]);
    expect(at(rollout, 'spec', 'strategy', 'canary', 'trafficRouting', 'istio', 'virtualServices')).toEqual([
      { name: 'shop-canary', routes: ['primary'] },
      { name: 'shop-public', routes: ['primary'] },
    ]);
    expect(at(findObject(objects, 'HorizontalPodAutoscaler'), 'spec', 'scaleTargetRef')).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shop' });
  });

  it('keeps names within Kubernetes limits for a 63-character workload name', () => {
    const { objects } = render(withCanary(undefined, {}, `s${'x'.repeat(61)}1`));
    expectValidNames(objects, { exceptLabels: ['app.kubernetes.io/instance'] });
  });

  it('rejects invalid params with their position', () => {
    const two = withCanary({ steps: [{ setWeight: 10, pause: {} }] });
    const line = two.split('\n').findIndex((l) => l.includes('"setWeight"'));
    expect(renderError(two)).toBe(`services/svc/score.yaml:${line}:11: resources.deployment.params.steps[0]: must NOT have more than 1 properties`);
    const duration = withCanary({ steps: [{ pause: { duration: 'x\n---\nkind: Secret' } }] });
    expect(renderError(duration)).toBe(`services/svc/score.yaml:${positionOf(duration, 'duration')}: resources.deployment.params.steps[0].pause.duration: must match pattern ^[0-9]+(s|m|h)?$`);
    expect(renderError(score({ ports: {}, resources: { deployment: { type: 'canary' } } }))).toContain('canary needs service.ports');
  });

  it('injection: VirtualService names and routes come out as the exact strings, objects unchanged', () => {
    const plain = render(withCanary({ virtualServices: [{ name: 'a', routes: ['b', 'c'] }] })).objects;
    const hostile = render(withCanary({ virtualServices: [{ name: INJECTIONS[0], routes: INJECTIONS }] })).objects;
    expect(kinds(hostile)).toEqual(kinds(plain));
    expect(at(findObject(hostile, 'Rollout'), 'spec', 'strategy', 'canary', 'trafficRouting', 'istio', 'virtualServices', 1)).toEqual({ name: INJECTIONS[0], routes: INJECTIONS });
  });

  it('is valid against the Kubernetes and CRD schemas of every environment', async () => {
    for (const env of ['dev', 'staging', 'prod']) await expectSchemaValid(render(withCanary(undefined, { scaling: { type: 'horizontal-pod-autoscaler', params: { maxReplicas: 5 } } }), env));
  });
});
