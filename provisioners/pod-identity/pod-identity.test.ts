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
    const { objects } = render(score({ resources: { identity: { type: 'pod-identity', params: { policyArns: ['arn:aws:iam::111111111111:policy/payments/shop/read'], maxSessionDuration: 7200 } } } }));
    expect(kinds(objects).sort()).toEqual(['Deployment/shop', 'PodIdentityAssociation/shop', 'Role/shop', 'Service/shop', 'ServiceAccount/shop']);
    expect(at(findObject(objects, 'Deployment'), 'spec', 'template', 'spec', 'serviceAccountName')).toBe('shop');
    const role = findObject(objects, 'Role');
    expect(at(role, 'spec', 'policies')).toEqual(['arn:aws:iam::111111111111:policy/payments/shop/read']);
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

  it('trust boundary: a service attaches only the managed policies under its own path of the account, by default', () => {
    const ownPath = 'arn:aws:iam::111111111111:policy/payments/shop/';
    const role = findObject(render(owned({ policyArns: [`${ownPath}read`, `${ownPath}team/write`] })).objects, 'Role');
    expect(at(role, 'spec', 'policies')).toEqual([`${ownPath}read`, `${ownPath}team/write`]);
    const refused = (arn: string) => {
      const bad = owned({ policyArns: [`${ownPath}read`, arn] });
      return renderError(bad);
    };
    const allowed = 'allowed: arn:aws:iam::111111111111:policy/payments/shop/*';
    for (const arn of [
      'arn:aws:iam::aws:policy/AdministratorAccess', // an AWS-managed policy: account-wide power
      'arn:aws:iam::111111111111:policy/payments/shop-admin/read', // the prefix of another service's path
      'arn:aws:iam::111111111111:policy/payments/other/read', // another service of the namespace
      'arn:aws:iam::222222222222:policy/payments/shop/read', // another account
      'arn:aws:iam::111111111111:policy/payments/shop', // the path itself, not a policy under it
    ]) {
      expect(refused(arn)).toContain(`pod-identity: policyArns[1] '${arn}' is not a policy this service may attach in environment dev (${allowed})`);
    }
    for (const arn of ['arn:aws:iam::111111111111:policy/payments/shop/*', '*', 'arn:aws:iam::111111111111:policy/payments/shop/a b']) {
      expect(refused(arn)).toContain(`pod-identity: policyArns[1] '${arn}' is not a managed policy ARN (arn:aws:iam::<account>:policy/<path/name>; no wildcards)`);
    }
  });

  it('trust boundary: the environment declares what may be attached (exact ARNs or prefixes) and a permissions boundary', () => {
    const metadata = {
      attachablePolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::{awsAccountId}:policy/shared/{engineNamespace}/*'],
      podRolePermissionsBoundary: 'arn:aws:iam::111111111111:policy/platform/pod-boundary',
    };
    const arns = ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::111111111111:policy/shared/payments/read'];
    const role = findObject(render(owned({ policyArns: arns }), 'dev', metadata).objects, 'Role');
    expect(at(role, 'spec', 'policies')).toEqual(arns);
    expect(at(role, 'spec', 'permissionsBoundary')).toBe('arn:aws:iam::111111111111:policy/platform/pod-boundary');
    // An exact entry is not a prefix; the service's own path is no longer implied once the environment says.
    for (const arn of ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccessX', 'arn:aws:iam::111111111111:policy/payments/shop/read']) {
      expect(() => render(owned({ policyArns: [arn] }), 'dev', metadata)).toThrow(
        `'${arn}' is not a policy this service may attach in environment dev (allowed: arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess, arn:aws:iam::111111111111:policy/shared/payments/*)`,
      );
    }
    expect(at(findObject(render(owned()).objects, 'Role'), 'spec', 'permissionsBoundary')).toBeUndefined();
  });

  it('injection: hostile policy ARNs are refused, never written', () => {
    for (const arn of INJECTIONS) expect(renderError(owned({ policyArns: [arn] }))).toContain('pod-identity: policyArns[0]');
  });

  it('is valid against the Kubernetes and CRD schemas of every environment', async () => {
    const accounts = { dev: '111111111111', staging: '222222222222', prod: '333333333333' };
    for (const [env, account] of Object.entries(accounts)) {
      const identity = { type: 'pod-identity', params: { policyArns: [`arn:aws:iam::${account}:policy/payments/shop/a`] } };
      const full = score({ resources: { deployment: { type: 'blue-green' }, identity, secrets: { type: 'cloud-secret', params: { name: 'payments/shop/app' } } } });
      const boundary = { podRolePermissionsBoundary: `arn:aws:iam::${account}:policy/platform/pod-boundary` };
      await expectSchemaValid(render(full, env, boundary));
    }
  });
});
