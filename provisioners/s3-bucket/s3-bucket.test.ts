import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { BUCKET: '${resources.docs.bucket}', AWS_REGION: '${resources.docs.region}' } };
const bucket = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 's3-bucket', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { docs: bucket(), identity: { type: 'pod-identity' } } });
const ARN = 'arn:aws:s3:::111111111111-dev-payments-shop-docs';

describe('s3-bucket', () => {
  it('golden: typical (dev, prod)', async () => {
    for (const env of ['dev', 'prod']) {
      await expect(goldenYaml(byComponent(render(typical, env).objects, 'storage'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('a private encrypted Bucket; outputs bucket and region; the pod identity role gets the S3 permissions', () => {
    const { objects } = render(typical);
    expect(kinds(byComponent(objects, 'storage'))).toEqual(['Bucket/shop-docs']);
    expect(at(findObject(objects, 'Bucket'), 'spec')).toEqual({
      name: '111111111111-dev-payments-shop-docs',
      createBucketConfiguration: { locationConstraint: 'eu-west-1' },
      publicAccessBlock: { blockPublicACLs: true, blockPublicPolicy: true, ignorePublicACLs: true, restrictPublicBuckets: true },
      ownershipControls: { rules: [{ objectOwnership: 'BucketOwnerEnforced' }] },
      encryption: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: false }] },
      versioning: { status: 'Enabled' },
      tagging: { tagSet: [{ key: 'environment', value: 'dev' }, { key: 'kubernetes-namespace', value: 'payments' }, { key: 'kubernetes-resource', value: 'shop-docs' }] },
    });
    expect(findObject(objects, 'Bucket').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-5', 'services.k8s.aws/deletion-policy': 'retain' });
    expect(containerEnv(objects)).toEqual({ AWS_REGION: 'eu-west-1', BUCKET: '111111111111-dev-payments-shop-docs' });
    const policy = JSON.parse((at(findObject(objects, 'Role'), 'spec', 'inlinePolicies') as Record<string, string>)['docs']!);
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: ARN },
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], Resource: `${ARN}/*` },
      ],
    });
  });

  it('edge: us-east-1 has no location constraint; read-only access; a KMS key', () => {
    const kms = 'arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { objects } = render(score({ resources: { docs: bucket({ access: 'read-only', versioning: false, kmsKeyArn: kms }), identity: { type: 'pod-identity' } } }), 'prod');
    const spec = at(findObject(objects, 'Bucket'), 'spec') as Record<string, unknown>;
    expect(spec).not.toHaveProperty('createBucketConfiguration');
    expect(spec).toMatchObject({ versioning: { status: 'Suspended' }, encryption: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyID: kms }, bucketKeyEnabled: true }] } });
    const statements = JSON.parse((at(findObject(objects, 'Role'), 'spec', 'inlinePolicies') as Record<string, string>)['docs']!).Statement;
    expect(statements.map((s: { Action: string[] }) => s.Action)).toEqual([['s3:ListBucket', 's3:GetBucketLocation'], ['s3:GetObject', 's3:GetObjectVersion'], ['kms:Decrypt', 'kms:GenerateDataKey']]);
  });

  it('shared id: identical objects and bucket name from the id in every declaring service', () => {
    const shared = (name: string) => render(score({ name, resources: { docs: bucket({}, { id: 'shared-documents' }) } })).objects;
    const a = byComponent(shared('ledger-api'), 'storage');
    expect(a).toEqual(byComponent(shared('checkout-canary'), 'storage'));
    expect(kinds(a)).toEqual(['Bucket/shared-documents']);
    expect(at(a[0], 'spec', 'name')).toBe('111111111111-dev-payments-shared-documents');
    expect(a[0]!.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
  });

  it('a 63-character workload name: bucket name at most 63 characters, DNS-compatible', () => {
    const name = `very-long-service-name-${'x'.repeat(40)}`;
    const { objects } = render(score({ name, resources: { docs: bucket() } }));
    expectValidNames(byComponent(objects, 'storage'));
    const bucketName = at(findObject(objects, 'Bucket'), 'spec', 'name') as string;
    expect(bucketName.length).toBeLessThanOrEqual(63);
    expect(bucketName).toMatch(/^[a-z0-9][-a-z0-9]*[a-z0-9]$/);
  });

  it('egress: basic opens HTTPS when egress is restricted', () => {
    const { objects } = render(score({ resources: { docs: bucket(), networking: { type: 'basic', params: { ingress: { type: 'none' } } } } }));
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  it('params validation and injection: rejected with the position', () => {
    for (const bad of INJECTIONS) {
      const text = score({ resources: { docs: bucket({ kmsKeyArn: bad }) } });
      expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'kmsKeyArn')}: resources.docs.params.kmsKeyArn: must match pattern ^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+$`);
      const access = score({ resources: { docs: bucket({ access: bad }) } });
      expect(renderError(access)).toBe(`services/svc/score.yaml:${positionOf(access, 'access')}: resources.docs.params.access: must be one of 'read-write' or 'read-only'`);
    }
  });
});
