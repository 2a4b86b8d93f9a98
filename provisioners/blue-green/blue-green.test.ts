import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findObject, renderRepoService, tempService, WORKSPACE_ROOT } from '../test-support/render';
import { at, expectSchemaValid, expectServicesMatchPods, expectValidNames, kinds, render, renderError, score, WEB } from '../test-support/helpers';

const typical = score({
  resources: {
    deployment: { type: 'blue-green' },
    config: { type: 'configmap', params: { configData: { LOG_LEVEL: 'info' } } },
  },
});

describe('blue-green', () => {
  it('renders the Namespace, ServiceAccount, Rollout and active/preview Services (golden, dev and prod)', async () => {
    for (const env of ['dev', 'prod']) {
      await expect(render(typical, env).yaml).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('embeds the final pod template: patches, config checksum annotations, service account, container ports', () => {
    const { objects } = render(typical);
    const rollout = findObject(objects, 'Rollout', 'shop');
    expect(at(rollout, 'spec', 'template', 'metadata', 'annotations')).toEqual({
      'checksum.platform.example.com/configmap-config': expect.stringMatching(/^[0-9a-f]{64}$/),
      'k8s.score.dev/workload-name': 'shop',
    });
    expect(at(rollout, 'spec', 'template', 'spec')).toEqual({
      serviceAccountName: 'shop',
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/shop:1.0.0',
          resources: { requests: { cpu: '200m', memory: '256Mi' } },
          envFrom: [{ configMapRef: { name: 'shop-config' } }],
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          // library.yaml containerSecurityContext: what policies/pod-security.yaml denies without
          securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
        },
      ],
    });
    expect(findObject(objects, 'ServiceAccount', 'shop').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-5' });
    expect(at(rollout, 'spec', 'replicas')).toBe(2);
    expect(at(rollout, 'spec', 'strategy')).toEqual({
      blueGreen: {
        activeService: 'shop',
        previewService: 'shop-preview',
        autoPromotionEnabled: true,
        autoPromotionSeconds: 120,
        previewReplicaCount: 1,
        scaleDownDelaySeconds: 60,
        prePromotionAnalysis: { templates: [{ templateName: 'shop-smoke' }], args: [{ name: 'url', value: 'http://shop-preview.payments.svc.cluster.local:80/' }] },
      },
    });
  });

  it('smoke-tests the preview stack before promotion: the AnalysisTemplate curls the preview Service', () => {
    const withProbe = render(score({ containers: { web: { ...WEB, readinessProbe: { httpGet: { path: '/ready', port: 8080 } } } }, resources: { deployment: { type: 'blue-green' } } })).objects;
    const rollout = findObject(withProbe, 'Rollout', 'shop');
    expect(at(rollout, 'spec', 'strategy', 'blueGreen', 'prePromotionAnalysis')).toEqual({
      templates: [{ templateName: 'shop-smoke' }],
      args: [{ name: 'url', value: 'http://shop-preview.payments.svc.cluster.local:80/ready' }],
    });
    const template = findObject(withProbe, 'AnalysisTemplate', 'shop-smoke');
    expect(at(template, 'spec', 'args')).toEqual([{ name: 'url' }]);
    const job = at(template, 'spec', 'metrics') as Array<Record<string, unknown>>;
    expect(at(job[0]!, 'provider', 'job', 'spec', 'template', 'spec', 'containers')).toEqual([
      { name: 'smoke', image: 'curlimages/curl:8.11.1', args: ['-fsS', '--retry', '5', '--retry-connrefused', '--max-time', '10', '{{args.url}}'] },
    ]);
    expect(at(job[0]!, 'provider', 'job', 'spec', 'template', 'metadata', 'annotations')).toEqual({ 'sidecar.istio.io/inject': 'false' });
    const off = render(score({ resources: { deployment: { type: 'blue-green', params: { smokeTest: { enabled: false } } } } })).objects;
    expect(off.filter((o) => o.kind === 'AnalysisTemplate')).toEqual([]);
    expect(at(findObject(off, 'Rollout', 'shop'), 'spec', 'strategy', 'blueGreen', 'prePromotionAnalysis')).toBeUndefined();
  });

  it('gives the Namespace namespace-level labels and annotations, so services sharing it emit the same object', () => {
    const a = findObject(render(typical).objects, 'Namespace');
    const b = findObject(render(score({ name: 'other', resources: { deployment: { type: 'blue-green' } } })).objects, 'Namespace');
    expect(a).toEqual(b);
    expect(a.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-10', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    expect(a.metadata.labels).toMatchObject({ 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'baseline', 'app.kubernetes.io/name': 'payments' });
  });

  it('edge: an autoscaler omits replicas; manual promotion; several containers and ports; ports already declared', () => {
    const { objects } = render(score({
      containers: { web: WEB, sidecar: { image: 'registry.example.com/proxy:2' } },
      ports: { http: { port: 80, targetPort: 8080 }, 'metrics-and-more-text': { port: 9090 }, grpc: { port: 9000, protocol: 'TCP' } },
      resources: {
        deployment: { type: 'blue-green', params: { autoPromotionEnabled: false, previewReplicaCount: 2, scaleDownDelaySeconds: 30, podSecurity: 'restricted' } },
        scaling: { type: 'horizontal-pod-autoscaler', params: { minReplicas: 2, maxReplicas: 4 } },
      },
    }));
    const rollout = findObject(objects, 'Rollout', 'shop');
    expect(at(rollout, 'spec', 'replicas')).toBeUndefined();
    expect(at(rollout, 'spec', 'strategy', 'blueGreen')).toEqual({
      activeService: 'shop',
      previewService: 'shop-preview',
      autoPromotionEnabled: false,
      previewReplicaCount: 2,
      scaleDownDelaySeconds: 30,
      prePromotionAnalysis: { templates: [{ templateName: 'shop-smoke' }], args: [{ name: 'url', value: 'http://shop-preview.payments.svc.cluster.local:80/' }] },
    });
    const containers = at(rollout, 'spec', 'template', 'spec', 'containers') as Array<Record<string, unknown>>;
    expect(containers.map((c) => [c['name'], c['ports']])).toEqual([
      // the first container by name serves the ports; a name longer than 15 characters is not a valid port name
      ['sidecar', [{ name: 'grpc', containerPort: 9000, protocol: 'TCP' }, { name: 'http', containerPort: 8080, protocol: 'TCP' }, { containerPort: 9090, protocol: 'TCP' }]],
      ['web', undefined],
    ]);
    expect(findObject(objects, 'Namespace').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expectServicesMatchPods(objects, rollout);
  });

  it('cross-object: Services select the pods and target container ports, the strategy names existing Services', () => {
    const { objects } = render(typical);
    const rollout = findObject(objects, 'Rollout', 'shop');
    expectServicesMatchPods(objects, rollout);
    const strategy = at(rollout, 'spec', 'strategy', 'blueGreen') as Record<string, string>;
    expect(findObject(objects, 'Service', strategy['activeService'])).toBeDefined();
    expect(findObject(objects, 'Service', strategy['previewService'])).toBeDefined();
    expect(findObject(objects, 'ServiceAccount', at(rollout, 'spec', 'template', 'spec', 'serviceAccountName') as string)).toBeDefined();
  });

  it('keeps names within Kubernetes limits for a 63-character workload name', () => {
    const name = `s${'x'.repeat(61)}1`;
    const { objects } = render(score({ name, resources: { deployment: { type: 'blue-green' } } }));
    expect(findObject(objects, 'Rollout', name)).toBeDefined();
    const preview = objects.find((o) => o.kind === 'Service' && o.metadata.name !== name)!;
    expect(preview.metadata.name).toMatch(/^sx+-[0-9a-f]{8}$/);
    expect(preview.metadata.name.length).toBe(63);
    expectValidNames(objects);
  });

  it('keeps the app.kubernetes.io/instance label of a 63-character workload within 63 characters', () => {
    const { objects } = render(score({ name: `s${'x'.repeat(61)}1`, resources: { deployment: { type: 'blue-green' } } }));
    expectValidNames(objects);
  });

  it('rejects invalid params with their position', () => {
    const text = 'apiVersion: score.dev/v1b1\nmetadata:\n  name: shop\n  engineNamespace: payments\ncontainers:\n  web:\n    image: nginx\nservice:\n  ports:\n    http:\n      port: 80\nresources:\n  deployment:\n    type: blue-green\n    params:\n      PARAM\n';
    expect(renderError(text.replace('PARAM', 'scaleDownDelaySeconds: 10'))).toBe('services/svc/score.yaml:16:7: resources.deployment.params.scaleDownDelaySeconds: must be >= 30');
    expect(renderError(text.replace('PARAM', 'podSecurity: "x\\n---\\nkind: Secret"'))).toBe(
      "services/svc/score.yaml:16:7: resources.deployment.params.podSecurity: must be one of 'privileged', 'baseline' or 'restricted'",
    );
  });

  it('needs service ports', () => {
    expect(renderError(score({ ports: {}, resources: { deployment: { type: 'blue-green' } } }))).toContain(
      "blue-green needs service.ports in the Score file (its active and preview Services route to them)",
    );
  });

  it('injection: a hostile workload annotation stays one value (blue-green has no free-form string params)', () => {
    const plain = render(typical).objects;
    const hostile = render(score({
      metadata: { annotations: { 'example.com/note': 'x\n---\nkind: Secret' } },
      resources: { deployment: { type: 'blue-green' }, config: { type: 'configmap', params: { configData: { LOG_LEVEL: 'a"\n  extra: key' } } } },
    })).objects;
    expect(kinds(hostile)).toEqual(kinds(plain));
    const rollout = findObject(hostile, 'Rollout', 'shop');
    expect(at(rollout, 'spec', 'template', 'metadata', 'annotations', 'example.com/note')).toBe('x\n---\nkind: Secret');
    expect(at(findObject(hostile, 'ConfigMap'), 'data', 'LOG_LEVEL')).toBe('a"\n  extra: key');
  });
});

// services/my-service also needs part B's provisioners (basic, monitoring); the test runs once they exist.
const partB = ['basic', 'monitoring'].every((folder) => existsSync(join(WORKSPACE_ROOT, 'provisioners', folder, 'provisioner.yaml')));
describe('services/my-service', () => {
  it('renders with the provisioners of this change (part B resources left out) for dev, staging and prod, valid against the schemas', async () => {
    const dir = join(WORKSPACE_ROOT, 'services', 'my-service');
    const doc = parse(readFileSync(join(dir, 'score.yaml'), 'utf8')) as { resources: Record<string, { type: string }> };
    for (const [name, r] of Object.entries(doc.resources)) if (r.type === 'basic' || r.type === 'monitoring') delete doc.resources[name];
    const service = tempService(JSON.stringify(doc), readFileSync(join(dir, 'service-config.yaml'), 'utf8'));
    try {
      for (const env of ['dev', 'staging', 'prod']) {
        const result = service.render(env);
        const rollout = findObject(result.objects, 'Rollout', 'my-service');
        expect(at(rollout, 'spec', 'replicas')).toBeUndefined();
        expect(at(rollout, 'spec', 'template', 'spec', 'serviceAccountName')).toBe('my-service');
        expect(at(rollout, 'spec', 'template', 'spec', 'containers', 0, 'envFrom')).toEqual([{ secretRef: { name: 'my-service-app-secrets' } }, { configMapRef: { name: 'my-service-config' } }]);
        expectServicesMatchPods(result.objects, rollout);
        await expectSchemaValid(result);
      }
    } finally {
      service.cleanup();
    }
  });

  it.skipIf(!partB)('renders for dev, staging and prod, every object valid against the strict schemas', async () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const result = renderRepoService('my-service', env);
      const rollout = findObject(result.objects, 'Rollout', 'my-service');
      expect(at(rollout, 'spec', 'replicas')).toBeUndefined();
      expect(at(findObject(result.objects, 'HorizontalPodAutoscaler'), 'spec', 'scaleTargetRef')).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'my-service' });
      await expectSchemaValid(result);
    }
  });
});
