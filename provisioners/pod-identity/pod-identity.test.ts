import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';

const labels = {
  'app.kubernetes.io/component': 'identity',
  'app.kubernetes.io/instance': 'shop-b753943597',
  'app.kubernetes.io/managed-by': 'score-nx',
  'app.kubernetes.io/name': 'shop',
  'platform.example.com/namespace': 'payments',
  'platform.example.com/system': 'checkout',
};
const podIdentityTrust = (sa: string, ns = 'payments') => ({
  Effect: 'Allow',
  Principal: { Service: 'pods.eks.amazonaws.com' },
  Action: ['sts:AssumeRole', 'sts:TagSession'],
  Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': ns, 'aws:RequestTag/kubernetes-service-account': sa } },
});
const owned = (params?: Record<string, unknown>) => score({ resources: { deployment: { type: 'blue-green' }, identity: { type: 'pod-identity', ...(params ? { params } : {}) } } });

describe('pod-identity', () => {
  it('renders an ACK Role and a PodIdentityAssociation for the workload ServiceAccount (golden)', () => {
    const { objects } = render(owned());
    const meta = { name: 'shop', namespace: 'payments', labels, annotations: { 'argocd.argoproj.io/sync-wave': '-5' } };
    expect(findObject(objects, 'Role')).toEqual({
      apiVersion: 'iam.services.k8s.aws/v1alpha1',
      kind: 'Role',
      metadata: meta,
      spec: {
        name: 'dev-dev-euw1-payments-shop',
        description: 'Pod identity of payments/shop on dev-euw1',
        maxSessionDuration: 3600,
        assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [podIdentityTrust('shop')] }),
        tags: [
          { key: 'kubernetes-namespace', value: 'payments' },
          { key: 'kubernetes-service-account', value: 'shop' },
          { key: 'eks-cluster-name', value: 'dev-euw1' },
        ],
      },
    });
    expect(findObject(objects, 'PodIdentityAssociation')).toEqual({
      apiVersion: 'eks.services.k8s.aws/v1alpha1',
      kind: 'PodIdentityAssociation',
      metadata: meta,
      spec: { clusterName: 'dev-euw1', namespace: 'payments', serviceAccount: 'shop', roleRef: { from: { name: 'shop' } } },
    });
  });

  it('cross-object: the association, trust policy and pods use the one ServiceAccount (emitted once)', () => {
    const { objects } = render(owned(), 'prod');
    const association = findObject(objects, 'PodIdentityAssociation');
    const sa = findObject(objects, 'ServiceAccount');
    expect(at(association, 'spec', 'serviceAccount')).toBe(sa.metadata.name);
    expect(at(association, 'spec', 'namespace')).toBe(sa.metadata.namespace);
    expect(at(findObject(objects, 'Rollout'), 'spec', 'template', 'spec', 'serviceAccountName')).toBe(sa.metadata.name);
    const role = findObject(objects, 'Role');
    expect(at(association, 'spec', 'roleRef', 'from', 'name')).toBe(role.metadata.name);
    expect(JSON.parse(at(role, 'spec', 'assumeRolePolicyDocument') as string).Statement[0]).toEqual(podIdentityTrust('shop'));
    expect(at(role, 'spec', 'name')).toBe('prod-prod-use1-payments-shop');
  });

  it('edge: without an owner it emits the ServiceAccount and the Deployment uses it; managed policies', () => {
    const { objects } = render(score({ resources: { identity: { type: 'pod-identity', params: { policyArns: ['arn:aws:iam::111111111111:policy/read'], maxSessionDuration: 7200 } } } }));
    expect(kinds(objects).sort()).toEqual(['Deployment/shop', 'PodIdentityAssociation/shop', 'Role/shop', 'Service/shop', 'ServiceAccount/shop']);
    expect(at(findObject(objects, 'Deployment'), 'spec', 'template', 'spec', 'serviceAccountName')).toBe('shop');
    const role = findObject(objects, 'Role');
    expect(at(role, 'spec', 'policies')).toEqual(['arn:aws:iam::111111111111:policy/read']);
    expect(at(role, 'spec', 'maxSessionDuration')).toBe(7200);
  });

  it('edge: grants what other resources ask for (cloud-secret) and trusts the External Secrets role', () => {
    const scoreYaml = score({
      resources: { deployment: { type: 'blue-green' }, identity: { type: 'pod-identity' }, secrets: { type: 'cloud-secret', params: { name: 'payments/shop/db' } } },
    });
    const role = findObject(render(scoreYaml).objects, 'Role');
    expect(JSON.parse(at(role, 'spec', 'assumeRolePolicyDocument') as string).Statement).toEqual([
      podIdentityTrust('shop'),
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/dev-euw1-external-secrets' }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
    ]);
    expect(JSON.parse(at(role, 'spec', 'inlinePolicies', 'secrets') as string)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:payments/shop/db-??????' }],
    });
  });

  it('keeps the IAM role name within 64 characters, unique per workload, for 63-character names', () => {
    const a = `s${'x'.repeat(61)}1`;
    const b = `s${'x'.repeat(61)}2`;
    const roleName = (name: string) => at(findObject(render(score({ name, resources: { identity: { type: 'pod-identity' } } })).objects, 'Role'), 'spec', 'name') as string;
    const [ra, rb] = [roleName(a), roleName(b)];
    expect(ra.length).toBeLessThanOrEqual(64);
    expect(ra).toMatch(/^[\w+=,.@-]+$/);
    expect(ra).not.toBe(rb);
    const { objects } = render(score({ name: a, resources: { deployment: { type: 'blue-green' }, identity: { type: 'pod-identity' } } }));
    expectValidNames(objects, { exceptLabels: ['app.kubernetes.io/instance'] });
  });

  it('rejects invalid params with their position, and unknown identity profiles', () => {
    const bad = owned({ maxSessionDuration: 60 });
    expect(renderError(bad)).toBe(`services/svc/score.yaml:${positionOf(bad, 'maxSessionDuration')}: resources.identity.params.maxSessionDuration: must be >= 3600`);
    expect(renderError(score({ metadata: { identity: 'admin' }, resources: { identity: { type: 'pod-identity' } } }))).toContain(
      "unknown identity profile 'admin' in metadata.identity (pod-identity knows: default)",
    );
  });

  it('injection: policy ARNs come out as the exact strings, objects unchanged', () => {
    const plain = render(owned({ policyArns: ['arn:aws:iam::1:policy/a', 'arn:aws:iam::1:policy/b'] })).objects;
    const hostile = render(owned({ policyArns: INJECTIONS })).objects;
    expect(kinds(hostile)).toEqual(kinds(plain));
    expect(at(findObject(hostile, 'Role'), 'spec', 'policies')).toEqual(INJECTIONS);
  });

  it('is valid against the Kubernetes and CRD schemas of every environment', async () => {
    const full = score({ resources: { deployment: { type: 'blue-green' }, identity: { type: 'pod-identity', params: { policyArns: ['arn:aws:iam::1:policy/a'] } }, secrets: { type: 'cloud-secret', params: { name: 'payments/shop/app' } } } });
    for (const env of ['dev', 'staging', 'prod']) await expectSchemaValid(render(full, env));
  });
});
