import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, expectValidNames, INJECTIONS, kinds, positionOf, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';
import { renderIn } from '../test-support/environments';

const WEB = {
  image: 'registry.example.com/shop:1.0.0',
  variables: { BUCKET: '${resources.files.bucket}', S3_ENDPOINT: '${resources.files.endpoint}', AWS_REGION: '${resources.files.region}', AWS_ACCESS_KEY_ID: '${resources.files.aws_access_key_id}', AWS_SECRET_ACCESS_KEY: '${resources.files.aws_secret_key}' },
};
const typical = (params?: Record<string, unknown>, extra: Record<string, unknown> = {}) => score({ containers: { web: WEB }, resources: { files: { type: 's3', ...(params ? { params } : {}) }, ...extra } });
const IN_CLUSTER = ['dev', 'preview'];

describe('s3 (in-cluster MinIO)', () => {
  it('golden: dev, preview', async () => {
    for (const env of IN_CLUSTER) {
      await expect(goldenYaml(byComponent(renderIn(typical(), env).objects, 'storage'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('objects: generated keys, a Service and a MinIO StatefulSet; the keys never appear as values', () => {
    const { objects, yaml } = renderIn(typical(), 'dev');
    expect(kinds(byComponent(objects, 'storage'))).toEqual(['Service/shop-files', 'StatefulSet/shop-files', 'ExternalSecret/shop-files-keys', 'Password/shop-files-access-key', 'Password/shop-files-secret-key']);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(at(findObject(objects, 'ExternalSecret'), 'spec', 'dataFrom')).toEqual([
      { sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'shop-files-access-key' } }, rewrite: [{ regexp: { source: '^password$', target: 'access_key_id' } }] },
      { sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'shop-files-secret-key' } }, rewrite: [{ regexp: { source: '^password$', target: 'secret_key' } }] },
    ]);
    expect(yaml).not.toMatch(/MINIO_ROOT_PASSWORD\n\s+value:/);
    // the Service selects the MinIO pods and only them
    const sts = findObject(objects, 'StatefulSet');
    const podLabels = at(sts, 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    expect(podLabels).toMatchObject(at(findObject(objects, 'Service', 'shop-files'), 'spec', 'selector') as object);
    const workloadPods = at(findObject(objects, 'Deployment'), 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    expect(workloadPods['app.kubernetes.io/instance']).not.toBe(podLabels['app.kubernetes.io/instance']);
    expect((at(sts, 'spec', 'template', 'spec', 'containers', 0, 'lifecycle', 'postStart', 'exec', 'command') as string[])[2]).toContain('mc mb --ignore-existing local/shop-files &&');
  });

  it('outputs: bucket, endpoint and region as values, the keys as secret references (score-k8s output keys)', () => {
    const ref = (key: string) => ({ secretKeyRef: { name: 'shop-files-keys', key } });
    expect(containerEnv(renderIn(typical(), 'dev').objects)).toEqual({
      BUCKET: 'shop-files', S3_ENDPOINT: 'http://shop-files.payments.svc.cluster.local:9000', AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: ref('access_key_id'), AWS_SECRET_ACCESS_KEY: ref('secret_key'),
    });
    expect(containerEnv(renderIn(typical(), 'preview').objects)['S3_ENDPOINT']).toBe('http://shop-files.payments-pr-7.svc.cluster.local:9000');
  });

  it('egress: basic opens the MinIO pods on 9000 when egress is restricted', () => {
    const { objects } = renderIn(typical(undefined, { networking: { type: 'basic', params: { ingress: { type: 'none' } } } }), 'dev');
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'payments-shop-files' } } }], ports: [{ protocol: 'TCP', port: 9000 }],
    });
  });

  it('a 63-character workload name: names within Kubernetes limits, the bucket a valid S3 name', () => {
    const name = `very-long-service-name-${'x'.repeat(40)}`;
    const { objects } = renderIn(score({ name, resources: { files: { type: 's3' } } }), 'dev');
    expectValidNames(byComponent(objects, 'storage'));
    const bucket = (at(findObject(objects, 'StatefulSet'), 'spec', 'template', 'spec', 'containers', 0, 'lifecycle', 'postStart', 'exec', 'command') as string[])[2]!.match(/local\/([^ ]+) &&/)![1]!;
    expect(bucket).toMatch(/^[a-z0-9][-a-z0-9]{1,61}[a-z0-9]$/);
  });

  it('params validation and injection: rejected with the position', () => {
    for (const bad of [...INJECTIONS, '1G']) {
      const text = typical({ storage: bad });
      // The extended Score schema holds the params of every provisioner of type s3 (this one and s3-aws, anyOf), not
      // per environment, so which variant's message is shown is the schema's choice; the position and path are exact.
      expect(renderError(text).startsWith(`services/svc/score.yaml:${positionOf(text, 'storage')}: resources.files.params.storage: `)).toBe(true);
    }
  });

  it('schema: strict Kubernetes and CRD schemas (dev, preview)', async () => {
    for (const env of IN_CLUSTER) await expectSchemaValid(renderIn(typical({ storage: '5Gi' }), env));
  });
});
