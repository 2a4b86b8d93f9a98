import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindingsFor, checkPolicies, policySet, resourceOf } from './policies';
import { checkRender, loadPolicyFolder } from './render';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const workspace = resolve(__dirname, '../../..');
const shipped = loadPolicyFolder(workspace);
const container = (over: Obj = {}) => ({ name: 'web', image: 'registry.example.com/web:1.2.3', resources: { requests: { cpu: '100m', memory: '128Mi' } }, securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false }, ...over });
const deployment = (c: Obj = container()): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { spec: { containers: [c] } } } });
const run = (o: Obj, env: string) => checkRender([o], shipped, env).map((f) => [f.warn === true ? 'warn' : 'deny', f.msg]);

describe('shipped policies (policies/)', () => {
  it('loads the policies, bindings, params and platform objects', () => {
    expect(shipped.set.policies.map((p) => (p.metadata as Obj).name).sort()).toEqual(['platform-image-tags', 'platform-pod-security', 'platform-resource-requests']);
    expect(shipped.set.params.map((p) => p.kind)).toEqual(['ConfigMap']);
    expect(shipped.provided['*']).toContainEqual({ kind: 'ClusterSecretStore', name: 'platform-secrets' });
  });
  it('a compliant Deployment passes everywhere', () => {
    for (const env of ['dev', 'prod']) expect(run(deployment(), env)).toEqual([]);
  });
  it.each([['web:latest'], ['web'], ['registry.example.com:5000/web']])('image %s is denied in prod only', (image) => {
    expect(run(deployment(container({ image })), 'prod')).toEqual([['deny', `platform-image-tags: containers must use a pinned image tag or digest, not :latest or no tag: web=${image}`]]);
    expect(run(deployment(container({ image })), 'dev')).toEqual([]);
  });
  it('accepts a digest', () => {
    expect(run(deployment(container({ image: 'web@sha256:0123' })), 'prod')).toEqual([]);
  });
  it('denies a container without a memory request (param from the folder)', () => {
    expect(run(deployment(container({ resources: { requests: { cpu: '1' } } })), 'dev')).toEqual([['deny', 'platform-resource-requests: every container needs resources.requests for cpu,memory; missing in: web']]);
  });
  it('denies root and privilege escalation in every environment (prod pins 1.1.0, which sets the securityContext)', () => {
    const risky = deployment(container({ securityContext: { allowPrivilegeEscalation: true } }));
    const messages = ['platform-pod-security: runAsNonRoot must be true for the pod or every container', 'platform-pod-security: every container must set securityContext.allowPrivilegeEscalation: false'];
    for (const env of ['dev', 'staging', 'preview', 'prod']) expect(run(risky, env)).toEqual(messages.map((m) => ['deny', m]));
  });
  it('every environment has a pod-security binding (a new environment must choose Deny or Warn)', () => {
    const environments = readdirSync(resolve(workspace, 'environments')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    expect(environments.length).toBeGreaterThan(0);
    for (const env of environments) {
      expect(bindingsFor(shipped.set, env).filter((b) => (b.spec as Obj).policyName === 'platform-pod-security'), env).toHaveLength(1);
    }
  });
  it('accepts runAsNonRoot from the pod security context', () => {
    const d = deployment(container({ securityContext: { allowPrivilegeEscalation: false } }));
    d.spec.template.spec.securityContext = { runAsNonRoot: true };
    expect(run(d, 'dev')).toEqual([]);
  });
  it('does not match other kinds', () => {
    expect(run({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop' } }, 'prod')).toEqual([]);
  });
});

describe('ValidatingAdmissionPolicy semantics', () => {
  const policy = (spec: Obj) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' }, spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] }, ...spec } });
  const binding = (spec: Obj = {}) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny'], ...spec } });
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { tier: 'gold' } } };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop', labels: { team: 'a' } }, data: { size: 'big' } };
  const check = (docs: Obj[], objects: Obj[] = [ns, cm]) => checkPolicies(objects, policySet(docs), 'dev').map((f) => [f.index, f.msg, f.warn ?? false]);
  const small = { validations: [{ expression: "object.data.size == 'small'", message: 'size must be small' }] };

  it('denies with the message, and uses messageExpression and variables', () => {
    expect(check([policy(small), binding()])).toEqual([[1, 'p: size must be small', false]]);
    const withVars = { variables: [{ name: 'size', expression: 'object.data.size' }], validations: [{ expression: "variables.size == 'small'", messageExpression: "'size is ' + variables.size" }] };
    expect(check([policy(withVars), binding()])).toEqual([[1, 'p: size is big', false]]);
  });
  it('selects namespaces by the labels of the render Namespace, and objects by their labels', () => {
    expect(check([policy({ ...small, matchConstraints: { ...policy({}).spec.matchConstraints, namespaceSelector: { matchLabels: { tier: 'gold' } } } }), binding()])).toHaveLength(1);
    expect(check([policy({ ...small, matchConstraints: { ...policy({}).spec.matchConstraints, namespaceSelector: { matchLabels: { tier: 'silver' } } } }), binding()])).toEqual([]);
    expect(check([policy(small), binding({ matchResources: { objectSelector: { matchLabels: { team: 'b' } } } })])).toEqual([]);
  });
  it('gates on matchConditions and excludeResourceRules', () => {
    expect(check([policy({ ...small, matchConditions: [{ name: 'only-b', expression: "object.metadata.labels.team == 'b'" }] }), binding()])).toEqual([]);
    expect(check([policy(small), binding({ matchResources: { excludeResourceRules: [{ apiGroups: [''], apiVersions: ['*'], resources: ['configmaps'] }] } })])).toEqual([]);
  });
  it('Warn reports a warning, Audit alone reports nothing', () => {
    expect(check([policy(small), binding({ validationActions: ['Warn'] })])).toEqual([[1, 'p: size must be small', true]]);
    expect(check([policy(small), binding({ validationActions: ['Audit'] })])).toEqual([]);
  });
  it('params: from the folder by paramRef; missing params deny unless Allow', () => {
    const withParams = { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'object.data.size == params.data.size', messageExpression: "'size must be ' + params.data.size" }] };
    const param = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'policies' }, data: { size: 'medium' } };
    expect(check([policy(withParams), binding({ paramRef: { name: 'limits', namespace: 'policies' } }), param])).toEqual([[1, 'p: size must be medium', false]]);
    expect(check([policy(withParams), binding({ paramRef: { name: 'other', namespace: 'policies' } }), param])).toEqual([[1, 'p: no params found for binding b', false]]);
    expect(check([policy(withParams), binding({ paramRef: { name: 'other', namespace: 'policies', parameterNotFoundAction: 'Allow' } }), param])).toEqual([]);
  });
  it('an expression error fails closed unless failurePolicy is Ignore', () => {
    const broken = { validations: [{ expression: 'object.data.missing == 1' }] };
    expect(check([policy(broken), binding()])[0]![1]).toMatch(/^p: expression 'object.data.missing == 1' resulted in error: /);
    expect(check([policy({ ...broken, failurePolicy: 'Ignore' }), binding()])).toEqual([]);
  });
  it('plural resource names', () => {
    expect(['Deployment', 'Ingress', 'NetworkPolicy', 'Gateway'].map(resourceOf)).toEqual(['deployments', 'ingresses', 'networkpolicies', 'gateways']);
  });
});
