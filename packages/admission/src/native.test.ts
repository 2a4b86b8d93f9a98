import { describe, expect, it } from 'vitest';
import { checkNative, selectorMatches } from './native';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = (o: Obj): Obj => structuredClone(o);
const pod = () => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'web:1.0.0', ports: [{ name: 'http', containerPort: 8080 }], env: [{ name: 'A', value: '1' }], resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } } }] },
});
const deployment = (): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: pod() } });

const BASE: Record<string, () => Obj> = {
  Deployment: deployment,
  StatefulSet: () => ({ ...deployment(), kind: 'StatefulSet' }),
  Rollout: () => ({ ...deployment(), apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' }),
  Job: () => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { backoffLimit: 1, template: { ...pod(), spec: { ...pod().spec, restartPolicy: 'Never' } } } }),
  Service: () => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'grpc', port: 81, targetPort: 9090 }] } }),
  Namespace: () => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } }),
  ConfigMap: () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web.config' }, data: { 'app.yaml': 'x' }, binaryData: { 'logo.png': 'AA==' } }),
  Secret: () => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web' }, data: { PASSWORD: 'cA==' } }),
  HorizontalPodAutoscaler: () => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { minReplicas: 2, maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } }),
  PodDisruptionBudget: () => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } }),
  RoleBinding: () => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'web' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web' }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }] }),
  NetworkPolicy: () => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 'http' }, { port: 8080 }] }] } }),
  ServiceAccount: () => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web' } }),
};

// [kind, rule (Go function), mutation, expected message]
const CASES: [string, string, (o: Obj) => void, string][] = [
  ['Deployment', 'ValidateDeploymentSpec', (o) => (o.spec.template.metadata.labels = { app: 'other' }), 'spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`'],
  ['Deployment', 'ValidateDeploymentSpec', (o) => (o.spec.selector = { matchLabels: {} }), 'spec.selector: Invalid value: {"matchLabels":{}}: empty selector is invalid for deployment'],
  ['Deployment', 'ValidateDeploymentSpec', (o) => (o.spec.replicas = -1), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
  ['Deployment', 'validateContainerPorts', (o) => (o.spec.template.spec.containers[0].ports[0].name = 'http-metrics-abc'), 'spec.template.spec.containers[0].ports[0].name: Invalid value: "http-metrics-abc": must be no more than 15 characters'],
  ['Deployment', 'validateContainerPorts', (o) => o.spec.template.spec.containers[0].ports.push({ name: 'http', containerPort: 9090 }), 'spec.template.spec.containers[0].ports[1].name: Duplicate value: "http"'],
  ['Deployment', 'validateContainerPorts', (o) => (o.spec.template.spec.containers[0].ports[0].containerPort = 70000), 'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
  ['Deployment', 'validateContainers', (o) => o.spec.template.spec.containers.push({ name: 'web', image: 'x:1' }), 'spec.template.spec.containers[1].name: Duplicate value: "web"'],
  ['Deployment', 'validateContainers', (o) => (o.spec.template.spec.containers[0].name = 'Web_1'), 'spec.template.spec.containers[0].name: Invalid value: "Web_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')'],
  ['Deployment', 'validateEnvVarName', (o) => (o.spec.template.spec.containers[0].env[0].name = '1A'), 'spec.template.spec.containers[0].env[0].name: Invalid value: "1A": a valid environment variable name must consist of alphabetic characters, digits, \'_\', \'-\', or \'.\', and must not start with a digit'],
  ['Deployment', 'ValidateResourceRequirements', (o) => (o.spec.template.spec.containers[0].resources.requests.cpu = '2'), 'spec.template.spec.containers[0].resources.requests.cpu: Invalid value: "2": must be less than or equal to cpu limit of 1'],
  ['Deployment', 'ValidatePodTemplateSpec', (o) => (o.spec.template.spec.restartPolicy = 'Never'), 'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
  ['Deployment', 'ValidateLabels', (o) => (o.metadata.labels.version = 'x'.repeat(64)), `metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`],
  ['Deployment', 'ValidateLabelName', (o) => (o.metadata.labels['bad key'] = 'v'), 'metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')'],
  ['Deployment', 'ValidateAnnotations', (o) => (o.metadata.annotations = { big: 'x'.repeat(262_200) }), 'metadata.annotations: Too long: may not be more than 262144 bytes (262203)'],
  ['Deployment', 'NameIsDNSSubdomain', (o) => (o.metadata.name = 'Web'), 'metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'],
  ['Deployment', 'ValidateVolumes', (o) => (o.spec.template.spec.volumes = [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }]), 'spec.template.spec.volumes[1].name: Duplicate value: "data"'],
  ['StatefulSet', 'ValidateStatefulSetSpec', (o) => (o.spec.template.metadata.labels = {}), 'spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`'],
  ['Rollout', 'ValidateRollout', (o) => (o.spec.template.metadata.labels = { app: 'x' }), 'spec.template.metadata.labels: Invalid value: {"app":"x"}: `selector` does not match template `labels`'],
  ['Job', 'ValidatePodTemplateSpec', (o) => (o.spec.template.spec.restartPolicy = 'Always'), 'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'],
  ['Job', 'ValidateJobSpec', (o) => (o.spec.backoffLimit = -1), 'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0'],
  ['Service', 'ValidateServiceName', (o) => (o.metadata.name = '1web'), 'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')'],
  ['Service', 'validateServicePort', (o) => (o.spec.ports[1].name = 'http'), 'spec.ports[1].name: Duplicate value: "http"'],
  ['Service', 'validateServicePort', (o) => delete o.spec.ports[1].name, 'spec.ports[1].name: Required value'],
  ['Service', 'validateServicePort', (o) => (o.spec.ports[0].targetPort = 'a-very-long-port-name'), 'spec.ports[0].targetPort: Invalid value: "a-very-long-port-name": must be no more than 15 characters'],
  ['Service', 'ValidateService', (o) => (o.spec.ports[1].port = 80), 'spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}'],
  ['Service', 'ValidateService', (o) => (o.spec.ports = []), 'spec.ports: Required value'],
  ['Namespace', 'ValidateNamespaceName', (o) => (o.metadata.name = 'shop.eu'), 'metadata.name: Invalid value: "shop.eu": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')'],
  ['ConfigMap', 'ValidateConfigMap', (o) => (o.data['bad key'] = 'x'), 'data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')'],
  ['ConfigMap', 'ValidateConfigMap', (o) => (o.binaryData['app.yaml'] = 'AA=='), 'binaryData[app.yaml]: Duplicate value: "app.yaml"'],
  ['Secret', 'ValidateSecret', (o) => (o.data['a/b'] = 'x'), 'data[a/b]: Invalid value: "a/b": a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')'],
  ['HorizontalPodAutoscaler', 'validateHorizontalPodAutoscalerSpec', (o) => (o.spec.maxReplicas = 1), 'spec.maxReplicas: Invalid value: 1: must be greater than or equal to `minReplicas`'],
  ['HorizontalPodAutoscaler', 'validateHorizontalPodAutoscalerSpec', (o) => (o.spec.minReplicas = 0), 'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1'],
  ['PodDisruptionBudget', 'ValidatePodDisruptionBudgetSpec', (o) => (o.spec.maxUnavailable = 1), 'spec: Invalid value: {"minAvailable":1,"selector":{"matchLabels":{"app":"web"}},"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set'],
  ['RoleBinding', 'ValidateRoleBinding', (o) => (o.roleRef.kind = 'Group'), 'roleRef.kind: Unsupported value: "Group": supported values: "Role", "ClusterRole"'],
  ['RoleBinding', 'ValidateRoleBindingSubject', (o) => (o.subjects[0].kind = 'Robot'), 'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"'],
  ['NetworkPolicy', 'ValidateNetworkPolicyPort', (o) => (o.spec.ingress[0].ports[0].port = 'web_1'), 'spec.ingress[0].ports[0].port: Invalid value: "web_1": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
  ['ServiceAccount', 'NameIsDNSSubdomain', (o) => (o.metadata.name = 'web_sa'), 'metadata.name: Invalid value: "web_sa": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'],
  // Corrections after re-reading pkg/apis/{apps,core,autoscaling,policy}/validation:
  ['Service', 'validateServicePort', (o) => (o.spec.ports[0].name = 'Http'), 'spec.ports[0].name: Invalid value: "Http": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')'],
  ['Deployment', 'validateContainerPorts', (o) => o.spec.template.spec.containers[0].ports.push({ name: 'http-', containerPort: 9090 }), 'spec.template.spec.containers[0].ports[1].name: Invalid value: "http-": must not begin or end with a hyphen'],
  ['Deployment', 'validateContainerPorts', (o) => (o.spec.template.spec.containers[0].ports[0].name = '8080'), 'spec.template.spec.containers[0].ports[0].name: Invalid value: "8080": must contain at least one letter (a-z)'],
  ['Deployment', 'ValidatePodTemplateSpecForReplicaSet', (o) => (o.spec.template.spec.activeDeadlineSeconds = 30), 'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'],
  ['Deployment', 'ValidateDeploymentStrategy', (o) => (o.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }), "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
  ['Deployment', 'ValidateDeploymentStrategy', (o) => (o.spec.strategy = { type: 'BlueGreen' }), 'spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"'],
  ['Deployment', 'ValidateRollingUpdateDeployment', (o) => (o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }), 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'],
  ['Deployment', 'ValidateRollingUpdateDeployment', (o) => (o.spec.strategy = { rollingUpdate: { maxUnavailable: '150%' } }), 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'],
  ['Deployment', 'ValidateDeploymentSpec', (o) => (o.spec.minReadySeconds = 600), 'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'],
  ['Deployment', 'ValidateDeploymentSpec', (o) => (o.spec.revisionHistoryLimit = -1), 'spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0'],
  ['StatefulSet', 'ValidateStatefulSetSpec', (o) => (o.spec.selector = {}), 'spec.selector: Invalid value: {}: empty selector is invalid for statefulset'],
  ['StatefulSet', 'ValidateStatefulSetSpec', (o) => (o.spec.podManagementPolicy = 'Ordered'), "spec.podManagementPolicy: Invalid value: \"Ordered\": must be 'OrderedReady' or 'Parallel'"],
  ['StatefulSet', 'ValidateStatefulSetSpec', (o) => (o.spec.updateStrategy = { type: 'Recreate' }), 'spec.updateStrategy: Invalid value: {"type":"Recreate"}: must be \'RollingUpdate\' or \'OnDelete\''],
  ['StatefulSet', 'ValidateStatefulSetSpec', (o) => (o.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } }), 'spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\''],
  ['StatefulSet', 'validateRollingUpdateStatefulSet', (o) => (o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: -1 } }), 'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0'],
  ['StatefulSet', 'ValidatePodTemplateSpec', (o) => (o.spec.template.spec.restartPolicy = 'OnFailure'), 'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
  ['StatefulSet', 'ValidateStatefulSetSpec', (o) => (o.spec.template.spec.activeDeadlineSeconds = 30), 'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported'],
  ['PodDisruptionBudget', 'ValidatePodDisruptionBudgetSpec', (o) => (o.spec.minAvailable = '150%'), 'spec.minAvailable: Invalid value: "150%": must not be greater than 100%'],
];

// Objects the API server accepts (after its defaulting) that a rule must not flag: [kind, what, mutation].
const PASSING: [string, string, (o: Obj) => void][] = [
  ['Service', 'a 16-character port name (DNS-1123 label, not IANA_SVC_NAME)', (o) => (o.spec.ports[0].name = 'http-metrics-abc')],
  ['Service', 'one unnamed port', (o) => (o.spec.ports = [{ port: 80 }])],
  ['StatefulSet', 'no podManagementPolicy and no updateStrategy (defaulted to OrderedReady, RollingUpdate)', (o) => (delete o.spec.podManagementPolicy, delete o.spec.updateStrategy)],
  ['StatefulSet', 'Parallel with OnDelete', (o) => ((o.spec.podManagementPolicy = 'Parallel'), (o.spec.updateStrategy = { type: 'OnDelete' }))],
  ['StatefulSet', 'RollingUpdate with a partition', (o) => (o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } })],
  ['StatefulSet', 'no restartPolicy (defaulted to Always)', (o) => delete o.spec.template.spec.restartPolicy],
  ['Deployment', 'Recreate without rollingUpdate', (o) => (o.spec.strategy = { type: 'Recreate' })],
  ['Deployment', 'maxUnavailable 0 with the default maxSurge', (o) => (o.spec.strategy = { rollingUpdate: { maxUnavailable: 0 } })],
  ['Deployment', 'minReadySeconds below progressDeadlineSeconds', (o) => ((o.spec.minReadySeconds = 30), (o.spec.progressDeadlineSeconds = 60))],
  ['Deployment', 'the same port name in two containers', (o) => o.spec.template.spec.containers.push({ name: 'sidecar', image: 'x:1', ports: [{ name: 'http', containerPort: 9090 }] })],
  ['HorizontalPodAutoscaler', 'no minReplicas (defaulted to 1) and maxReplicas 1', (o) => (delete o.spec.minReplicas, (o.spec.maxReplicas = 1))],
  ['PodDisruptionBudget', 'a percentage', (o) => (o.spec.minAvailable = '50%')],
  ['Job', 'restartPolicy OnFailure', (o) => (o.spec.template.spec.restartPolicy = 'OnFailure')],
];

describe('checkNative', () => {
  it.each(PASSING.map(([k, what, m]) => [k, what, m] as const))('%s passes: %s', (kind, _what, mutate) => {
    const o = clone(BASE[kind]!());
    mutate(o);
    expect(checkNative(o)).toEqual([]);
  });
  it('reports an invalid port name twice as invalid, not as a duplicate (validateContainerPorts)', () => {
    const o = clone(deployment());
    o.spec.template.spec.containers[0].ports.push({ name: 'http-', containerPort: 9090 }, { name: 'http-', containerPort: 9091 });
    expect(checkNative(o).map((f) => f.msg)).toEqual([1, 2].map((i) => `spec.template.spec.containers[0].ports[${i}].name: Invalid value: "http-": must not begin or end with a hyphen`));
  });
  it('HPA maxReplicas 0 fails both checks, minReplicas being defaulted to 1', () => {
    const o = clone(BASE.HorizontalPodAutoscaler!());
    delete o.spec.minReplicas;
    o.spec.maxReplicas = 0;
    expect(checkNative(o).map((f) => f.msg)).toEqual(['spec.maxReplicas: Invalid value: 0: must be greater than 0', 'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`']);
  });
  it.each(Object.keys(BASE))('a valid %s has no findings', (kind) => {
    expect(checkNative(BASE[kind]!())).toEqual([]);
  });
  it.each(CASES.map(([k, r, m, msg]) => [k, r, msg, m] as const))('%s %s: %s', (kind, rule, msg, mutate) => {
    const o = clone(BASE[kind]!());
    mutate(o);
    const findings = checkNative(o);
    expect(findings.map((f) => f.msg)).toEqual([msg]);
    expect(findings[0]).toMatchObject({ source: 'native', rule });
  });
  it('reports the JSON pointer of the failing field', () => {
    const o = deployment();
    o.spec.template.spec.containers[0].ports[0].name = 'a-very-long-name';
    expect(checkNative(o)[0]!.path).toBe('/spec/template/spec/containers/0/ports/0/name');
  });
  it('accepts a duplicate env name with a warning (GetWarningsForPod), not an error', () => {
    const o = deployment();
    o.spec.template.spec.containers[0].env.push({ name: 'A', value: '2' });
    expect(checkNative(o)).toEqual([
      { source: 'native', path: '/spec/template/spec/containers/0/env/1/name', msg: 'spec.template.spec.containers[0].env[1].name: Duplicate value: "A": environment variable name is defined more than once; the last value wins', rule: 'GetWarningsForPod', warn: true },
    ]);
  });
  it('ignores kinds outside the native set', () => {
    expect(checkNative({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'Bad_Name' } })).toEqual([]);
  });
  it('matches selectors with expressions', () => {
    const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'canary', operator: 'DoesNotExist' }] };
    expect(selectorMatches(sel, { app: 'web', tier: 'a' })).toBe(true);
    expect(selectorMatches(sel, { app: 'web', tier: 'c' })).toBe(false);
    expect(selectorMatches(sel, { app: 'web', tier: 'a', canary: 'x' })).toBe(false);
  });
});
