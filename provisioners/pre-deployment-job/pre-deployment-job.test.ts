import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score, WEB } from '../test-support/helpers';

const withJob = (params: Record<string, unknown>, name?: string) =>
  score({ ...(name ? { name } : {}), resources: { deployment: { type: 'blue-green' }, identity: { type: 'pod-identity' }, migrate: { type: 'pre-deployment-job', params } } });

describe('pre-deployment-job', () => {
  it('renders a Sync-hook Job in wave -1 with the workload image and identity (golden)', () => {
    const { objects } = render(withJob({ command: ['/app/migrate'], args: ['up'] }));
    expect(findObject(objects, 'Job')).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'shop-migrate',
        namespace: 'payments',
        labels: {
          'app.kubernetes.io/component': 'migration',
          'app.kubernetes.io/instance': 'shop-b753943597',
          'app.kubernetes.io/managed-by': 'score-nx',
          'app.kubernetes.io/name': 'shop',
          'platform.example.com/namespace': 'payments',
          'platform.example.com/system': 'checkout',
        },
        annotations: {
          'argocd.argoproj.io/hook': 'Sync',
          'argocd.argoproj.io/sync-wave': '-1',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
        },
      },
      spec: {
        backoffLimit: 1,
        activeDeadlineSeconds: 900,
        ttlSecondsAfterFinished: 86400,
        template: {
          metadata: {
            labels: {
              'app.kubernetes.io/component': 'migration',
              'app.kubernetes.io/managed-by': 'score-nx',
              'app.kubernetes.io/name': 'shop',
              'platform.example.com/namespace': 'payments',
              'platform.example.com/system': 'checkout',
              'sidecar.istio.io/inject': 'false',
            },
            annotations: { 'sidecar.istio.io/inject': 'false' },
          },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: 'shop',
            containers: [{ name: 'web', image: 'registry.example.com/shop:1.0.0', command: ['/app/migrate'], args: ['up'], resources: { requests: { cpu: '200m', memory: '256Mi' } }, securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false } }],
          },
        },
      },
    });
  });

  it('cross-object: same image, ServiceAccount and environment as the Rollout; not selected by its Services or PDB', () => {
    const { objects } = render(score({
      resources: {
        deployment: { type: 'blue-green' },
        config: { type: 'configmap', params: { configData: { A: 'b' } } },
        scaling: { type: 'horizontal-pod-autoscaler', params: { maxReplicas: 3 } },
        migrate: { type: 'pre-deployment-job', params: { args: ['migrate'] } },
      },
    }));
    const job = findObject(objects, 'Job');
    const pod = at(findObject(objects, 'Rollout'), 'spec', 'template', 'spec') as Record<string, unknown>;
    const jobPod = at(job, 'spec', 'template', 'spec') as Record<string, unknown>;
    expect(jobPod['serviceAccountName']).toBe(pod['serviceAccountName']);
    expect(at(jobPod, 'containers', 0, 'image')).toBe(at(pod, 'containers', 0, 'image'));
    expect(at(jobPod, 'containers', 0, 'envFrom')).toEqual(at(pod, 'containers', 0, 'envFrom'));
    const jobLabels = at(job, 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    const selectors = [...objects.filter((o) => o.kind === 'Service').map((s) => at(s, 'spec', 'selector')), at(findObject(objects, 'PodDisruptionBudget'), 'spec', 'selector', 'matchLabels')] as Array<Record<string, string>>;
    for (const selector of selectors) expect(Object.entries(selector).every(([k, v]) => jobLabels[k] === v)).toBe(false);
  });

  it('edge: another container, its volumes and mounts; args only; custom limits; long names', () => {
    const name = `s${'x'.repeat(61)}1`;
    const { objects } = render(score({
      name,
      containers: {
        web: WEB,
        tools: { image: 'registry.example.com/tools:2', files: { '/etc/tool.conf': { content: 'a=b' } } },
      },
      resources: { deployment: { type: 'blue-green' }, migrate: { type: 'pre-deployment-job', params: { container: 'tools', args: ['run'], backoffLimit: 0, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 0 } } },
    }));
    const job = objects.find((o) => o.kind === 'Job')!;
    expect(at(job, 'spec', 'backoffLimit')).toBe(0);
    expect(at(job, 'spec', 'activeDeadlineSeconds')).toBe(60);
    expect(at(job, 'spec', 'ttlSecondsAfterFinished')).toBe(0);
    const container = at(job, 'spec', 'template', 'spec', 'containers', 0) as Record<string, unknown>;
    expect(container['image']).toBe('registry.example.com/tools:2');
    expect(container['command']).toBeUndefined();
    expect(container['args']).toEqual(['run']);
    expect(container['volumeMounts']).toEqual(expect.any(Array));
    expect(at(job, 'spec', 'template', 'spec', 'volumes')).toEqual(expect.any(Array));
    expectValidNames(objects, { exceptLabels: ['app.kubernetes.io/instance'] });
  });

  it('rejects invalid params with their position, and an unknown container', () => {
    const none = withJob({ backoffLimit: 1 });
    expect(renderError(none)).toBe(`services/svc/score.yaml:${positionOf(none, 'params')}: resources.migrate.params: must set at least one of 'command' or 'args'`);
    const negative = withJob({ args: ['a'], backoffLimit: -1 });
    expect(renderError(negative)).toBe(`services/svc/score.yaml:${positionOf(negative, 'backoffLimit')}: resources.migrate.params.backoffLimit: must be >= 0`);
    expect(renderError(withJob({ args: ['a'], container: 'x\n---\nkind: Secret' }))).toContain('no container "x\\n---\\nkind: Secret" in the workload (containers: web)');
  });

  it('injection: command and args come out as the exact strings, objects unchanged', () => {
    const plain = render(withJob({ command: ['a'], args: ['b', 'c'] })).objects;
    const hostile = render(withJob({ command: [INJECTIONS[0]], args: INJECTIONS })).objects;
    expect(kinds(hostile)).toEqual(kinds(plain));
    const container = at(findObject(hostile, 'Job'), 'spec', 'template', 'spec', 'containers', 0);
    expect(at(container, 'command')).toEqual([INJECTIONS[0]]);
    expect(at(container, 'args')).toEqual(INJECTIONS);
  });
});
