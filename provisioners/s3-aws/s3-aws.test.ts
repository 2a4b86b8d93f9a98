import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, INJECTIONS, kinds, positionOf, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';
import { renderIn } from '../test-support/environments';

const WEB = {
  image: 'registry.example.com/shop:1.0.0',
  variables: { BUCKET: '${resources.files.bucket}', S3_ENDPOINT: '${resources.files.endpoint}', AWS_REGION: '${resources.files.region}', AWS_ACCESS_KEY_ID: '${resources.files.aws_access_key_id}', AWS_SECRET_ACCESS_KEY: '${resources.files.aws_secret_key}' },
};
const typical = (params: Record<string, unknown> = {}, identity = true) => score({ containers: { web: WEB }, resources: { files: { type: 's3', params }, ...(identity ? { identity: { type: 'pod-identity' } } : {}) } });
const MANAGED = ['staging', 'prod'];
const renderError = (text: string, env: string) => { try { renderIn(text, env); } catch (err) { return (err as Error).message; } throw new Error('expected the render to fail'); };

describe('s3-aws (type s3 in staging, prod)', () => {
  it('golden: staging, prod', async () => {
    for (const env of MANAGED) {
      await expect(goldenYaml(byComponent(renderIn(typical(), env).objects, 'storage'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('an ACK Bucket in staging and prod, MinIO in dev and preview, for the same Score file', () => {
    expect(kinds(byComponent(renderIn(typical(), 'prod').objects, 'storage'))).toEqual(['Bucket/shop-files']);
    expect(kinds(byComponent(renderIn(typical(), 'staging').objects, 'storage'))).toEqual(['Bucket/shop-files']);
    expect(kinds(byComponent(renderIn(typical(), 'dev').objects, 'storage'))).toContain('StatefulSet/shop-files');
  });

  it('outputs: score-k8s keys, no static credentials; the pod identity role gets the bucket permissions', () => {
    const { objects } = renderIn(typical(), 'prod');
    // the key variables are present and empty (the engine omits an empty value, as the API server does)
    expect(containerEnv(objects)).toEqual({
      BUCKET: '333333333333-prod-payments-shop-files', S3_ENDPOINT: 'https://s3.us-east-1.amazonaws.com', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined,
    });
    const env = at(findObject(objects, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'env') as Array<{ name: string }>;
    expect(env.filter((e) => e.name.startsWith('AWS_')).map((e) => e.name).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY']);
    const policy = JSON.parse((at(findObject(objects, 'Role'), 'spec', 'inlinePolicies') as Record<string, string>)['files']!);
    expect(policy.Statement[1].Resource).toBe('arn:aws:s3:::333333333333-prod-payments-shop-files/*');
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('without a pod identity: an error that says what to declare', () => {
    expect(renderError(typical({}, false), 'prod')).toContain("s3: in environment 'prod' the bucket is reached with the workload's pod identity; declare a resource of type pod-identity");
  });

  it('params validation and injection: rejected with the position', () => {
    for (const bad of INJECTIONS) {
      const text = typical({ kmsKeyArn: bad });
      expect(renderError(text, 'prod')).toBe(`services/svc/score.yaml:${positionOf(text, 'kmsKeyArn')}: resources.files.params.kmsKeyArn: must match pattern ^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+$`);
    }
  });

  it('schema: strict Kubernetes and CRD schemas (staging, prod)', async () => {
    for (const env of MANAGED) await expectSchemaValid(renderIn(typical({ access: 'read-only' }), env));
  });
});
