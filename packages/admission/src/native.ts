/**
 * Native validation of the kinds the platform emits: the checks a create runs in the API server's Go code that
 * no JSON schema expresses, restated from k8s.io/kubernetes pkg/apis/{core,apps,batch,autoscaling,policy,rbac,
 * networking}/validation and k8s.io/apimachinery/pkg/api/validation. Each check names the Go function it restates.
 * Messages are worded as the API server's field errors: `<field>: <Reason>: <detail>`.
 */
import type { Finding } from './finding';
import { compareQuantity, parseQuantity } from './quantity';
import {
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
} from './names';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A field path kept both as the API server prints it (spec.ports[0].name) and as a JSON pointer. */
class Field {
  constructor(
    readonly segs: (string | number)[] = [],
  ) {}
  child(...s: (string | number)[]): Field {
    return new Field([...this.segs, ...s]);
  }
  get pointer(): string {
    return this.segs.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  }
  toString(): string {
    return this.segs.map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z0-9_-]+$/.test(s) ? (i === 0 ? s : `.${s}`) : `[${s}]`)).join('');
  }
}

class Errors {
  readonly list: Finding[] = [];
  private add(rule: string, f: Field, text: string, warn = false) {
    this.list.push({ source: 'native', path: f.pointer, msg: `${f}: ${text}`, rule, ...(warn ? { warn: true } : {}) });
  }
  invalid(rule: string, f: Field, value: unknown, detail: string) {
    this.add(rule, f, `Invalid value: ${JSON.stringify(value)}: ${detail}`);
  }
  required(rule: string, f: Field, detail = '') {
    this.add(rule, f, `Required value${detail ? `: ${detail}` : ''}`);
  }
  duplicate(rule: string, f: Field, value: unknown) {
    this.add(rule, f, `Duplicate value: ${JSON.stringify(value)}`);
  }
  forbidden(rule: string, f: Field, detail: string) {
    this.add(rule, f, `Forbidden: ${detail}`);
  }
  notSupported(rule: string, f: Field, value: unknown, allowed: string[]) {
    this.add(rule, f, `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
  tooLong(rule: string, f: Field, limit: number, actual: number) {
    this.add(rule, f, `Too long: may not be more than ${limit} bytes (${actual})`);
  }
  warning(rule: string, f: Field, text: string) {
    this.add(rule, f, text, true);
  }
  each(rule: string, f: Field, value: unknown, errs: string[]) {
    for (const e of errs) this.invalid(rule, f, value, e);
  }
}

/** How each kind's metadata.name is checked (the ValidateXName functions of pkg/apis/core/validation et al.). */
const NAME_RULE: Record<string, [string, (v: string) => string[]]> = {
  Namespace: ['ValidateNamespaceName', isDns1123Label],
  Service: ['ValidateServiceName', isDns1035Label],
};
const SUBDOMAIN_NAMED = new Set([
  'ServiceAccount', 'ConfigMap', 'Secret', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'Rollout',
]);
const PATH_SEGMENT_NAMED = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);

/** ValidateObjectMeta (apimachinery/pkg/api/validation/objectmeta.go) with the kind's name rule. */
function validateObjectMeta(kind: string, obj: Obj, e: Errors, clusterScoped: boolean): void {
  const f = new Field(['metadata']);
  const md = isObj(obj.metadata) ? obj.metadata : {};
  const name = str(md.name);
  if (name === undefined || name === '') {
    if (!str(md.generateName)) e.required('ValidateObjectMeta', f.child('name'), 'name or generateName is required');
  } else if (NAME_RULE[kind]) {
    const [rule, check] = NAME_RULE[kind];
    e.each(rule, f.child('name'), name, check(name));
  } else if (SUBDOMAIN_NAMED.has(kind)) {
    e.each('NameIsDNSSubdomain', f.child('name'), name, isDns1123Subdomain(name));
  } else if (PATH_SEGMENT_NAMED.has(kind)) {
    // ValidateRBACName = path.IsValidPathSegmentName
    if (name === '.' || name === '..' || name.includes('/') || name.includes('%')) e.invalid('ValidateRBACName', f.child('name'), name, 'may not contain \'/\' or \'%\' and may not be \'.\' or \'..\'');
  }
  const ns = str(md.namespace);
  if (ns !== undefined && !clusterScoped) e.each('ValidateNamespaceName', f.child('namespace'), ns, isDns1123Label(ns));
  validateLabels(md.labels, f.child('labels'), e);
  validateAnnotations(md.annotations, f.child('annotations'), e);
}

/** ValidateLabels (apimachinery/pkg/apis/meta/v1/validation): qualified-name keys, label-value values. */
function validateLabels(labels: unknown, f: Field, e: Errors): void {
  if (!isObj(labels)) return;
  for (const [k, v] of Object.entries(labels)) {
    e.each('ValidateLabelName', f, k, isQualifiedName(k));
    if (typeof v === 'string') e.each('ValidateLabels', f, v, isValidLabelValue(v));
  }
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
/** ValidateAnnotations: qualified-name keys (lower-cased), total size at most 256 KiB. */
function validateAnnotations(annotations: unknown, f: Field, e: Errors): void {
  if (!isObj(annotations)) return;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    e.each('ValidateAnnotations', f, k, isQualifiedName(k.toLowerCase()));
    total += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) e.tooLong('ValidateAnnotations', f, TOTAL_ANNOTATION_SIZE_LIMIT, total);
}
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** ValidateResourceRequirements: every request at most its limit. */
function validateResources(res: unknown, f: Field, e: Errors): void {
  if (!isObj(res)) return;
  const limits = isObj(res.limits) ? res.limits : {};
  const requests = isObj(res.requests) ? res.requests : {};
  for (const [k, v] of Object.entries({ ...limits, ...requests })) {
    const q = parseQuantity(String(v));
    const at = f.child(k in requests ? 'requests' : 'limits', k);
    if (!q) e.invalid('ValidateResourceRequirements', at, v, "must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    else if (q.num < 0n) e.invalid('ValidateResourceRequirements', at, v, 'must be greater than or equal to 0');
  }
  for (const [k, v] of Object.entries(requests)) {
    const l = limits[k];
    if (l === undefined) continue;
    const rq = parseQuantity(String(v));
    const lq = parseQuantity(String(l));
    if (rq && lq && compareQuantity(rq, lq) > 0) e.invalid('ValidateResourceRequirements', f.child('requests', k), v, `must be less than or equal to ${k} limit of ${String(l)}`);
  }
}

/** validateContainers / validateInitContainers / validateContainerPorts / validateEnv of pkg/apis/core/validation. */
function validateContainers(list: unknown, f: Field, e: Errors, names: Set<string>, required: boolean): void {
  const containers = arr(list);
  if (required && containers.length === 0) e.required('validateContainers', f);
  containers.forEach((c, i) => {
    if (!isObj(c)) return;
    const cf = f.child(i);
    const name = str(c.name);
    if (!name) e.required('validateContainers', cf.child('name'));
    else {
      e.each('validateContainers', cf.child('name'), name, isDns1123Label(name));
      if (names.has(name)) e.duplicate('validateContainers', cf.child('name'), name);
      names.add(name);
    }
    if (!str(c.image)) e.required('validateContainers', cf.child('image'));
    const portNames = new Set<string>();
    arr(c.ports).forEach((p, j) => {
      if (!isObj(p)) return;
      const pf = cf.child('ports', j);
      const pn = str(p.name);
      if (pn) {
        // validateContainerPorts: an invalid name is reported as such; only valid names are checked for duplicates.
        const errs = isValidPortName(pn);
        e.each('validateContainerPorts', pf.child('name'), pn, errs);
        if (errs.length === 0 && portNames.has(pn)) e.duplicate('validateContainerPorts', pf.child('name'), pn);
        portNames.add(pn);
      }
      if (p.containerPort === undefined) e.required('validateContainerPorts', pf.child('containerPort'));
      else e.each('validateContainerPorts', pf.child('containerPort'), p.containerPort, isValidPortNum(Number(p.containerPort)));
      if (p.protocol !== undefined && !PROTOCOLS.includes(String(p.protocol))) e.notSupported('validateContainerPorts', pf.child('protocol'), p.protocol, PROTOCOLS);
    });
    const envNames = new Set<string>();
    arr(c.env).forEach((v, j) => {
      if (!isObj(v)) return;
      const vf = cf.child('env', j, 'name');
      const n = str(v.name);
      if (!n) return e.required('validateEnv', vf);
      e.each('validateEnvVarName', vf, n, isEnvVarName(n));
      // GetWarningsForPod: a duplicate name is accepted with a warning (the last one wins), so it does not fail.
      if (envNames.has(n)) e.warning('GetWarningsForPod', vf, `Duplicate value: ${JSON.stringify(n)}: environment variable name is defined more than once; the last value wins`);
      envNames.add(n);
    });
    validateResources(c.resources, cf.child('resources'), e);
  });
}

/** ValidatePodTemplateSpec + ValidatePodSpec (the parts no schema carries), with the restart policies allowed. */
function validatePodTemplate(tpl: unknown, f: Field, e: Errors, restartPolicies: string[]): Obj | undefined {
  if (!isObj(tpl)) {
    e.required('ValidatePodTemplateSpec', f);
    return undefined;
  }
  const md = isObj(tpl.metadata) ? tpl.metadata : {};
  validateLabels(md.labels, f.child('metadata', 'labels'), e);
  validateAnnotations(md.annotations, f.child('metadata', 'annotations'), e);
  const spec = isObj(tpl.spec) ? tpl.spec : {};
  const sf = f.child('spec');
  const names = new Set<string>();
  validateContainers(spec.initContainers, sf.child('initContainers'), e, names, false);
  validateContainers(spec.containers, sf.child('containers'), e, names, true);
  const rp = str(spec.restartPolicy) ?? 'Always';
  if (!restartPolicies.includes(rp)) e.notSupported('ValidatePodTemplateSpec', sf.child('restartPolicy'), rp, restartPolicies);
  const sa = str(spec.serviceAccountName);
  if (sa) e.each('ValidateServiceAccountName', sf.child('serviceAccountName'), sa, isDns1123Subdomain(sa));
  const vols = new Set<string>();
  arr(spec.volumes).forEach((v, i) => {
    const n = isObj(v) ? str(v.name) : undefined;
    if (!n) return;
    e.each('ValidateVolumes', sf.child('volumes', i, 'name'), n, isDns1123Label(n));
    if (vols.has(n)) e.duplicate('ValidateVolumes', sf.child('volumes', i, 'name'), n);
    vols.add(n);
  });
  return md;
}

/** metav1validation.ValidateLabelSelector plus the apps rule that the selector must select the template. */
function validateSelectorMatchesTemplate(spec: Obj, f: Field, e: Errors, rule: string, emptyMessage = 'empty selector is invalid for deployment'): void {
  const sel = spec.selector;
  if (!isObj(sel)) return e.required(rule, f.child('selector'));
  const ml = isObj(sel.matchLabels) ? sel.matchLabels : {};
  const exprs = arr(sel.matchExpressions);
  if (Object.keys(ml).length === 0 && exprs.length === 0) return e.invalid(rule, f.child('selector'), sel, emptyMessage);
  validateLabels(ml, f.child('selector', 'matchLabels'), e);
  const tpl = isObj(spec.template) ? spec.template : {};
  const labels = isObj(tpl.metadata) && isObj(tpl.metadata.labels) ? (tpl.metadata.labels as Obj) : {};
  if (!selectorMatches(sel, labels)) e.invalid(rule, f.child('template', 'metadata', 'labels'), labels, '`selector` does not match template `labels`');
}

/** labels.Selector.Matches for matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
export function selectorMatches(sel: Obj, labels: Obj): boolean {
  const ml = isObj(sel.matchLabels) ? sel.matchLabels : {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const x of arr(sel.matchExpressions)) {
    if (!isObj(x)) continue;
    const key = String(x.key);
    const values = arr(x.values).map(String);
    const has = key in labels;
    switch (x.operator) {
      case 'In':
        if (!has || !values.includes(String(labels[key]))) return false;
        break;
      case 'NotIn':
        if (has && values.includes(String(labels[key]))) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** ValidateNonnegativeField for each of the named integer fields that is set. */
function validateNonnegative(spec: Obj, f: Field, e: Errors, rule: string, fields: string[]): void {
  for (const k of fields) if (typeof spec[k] === 'number' && (spec[k] as number) < 0) e.invalid(rule, f.child(k), spec[k], 'must be greater than or equal to 0');
}

const intOrPercent = (v: unknown): { value: number; percent: boolean } | undefined => {
  if (typeof v === 'number') return { value: v, percent: false };
  const m = typeof v === 'string' ? /^([0-9]+)%$/.exec(v) : null;
  return m ? { value: Number(m[1]), percent: true } : undefined;
};

/** ValidatePositiveIntOrPercent (and IsNotMoreThan100Percent when asked) of pkg/apis/apps/validation. */
function validateIntOrPercent(v: unknown, f: Field, e: Errors, rule: string, max100: boolean): number | undefined {
  if (v === undefined) return undefined;
  const p = intOrPercent(v);
  if (!p) {
    e.invalid(rule, f, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
    return undefined;
  }
  if (p.value < 0) e.invalid(rule, f, v, 'must be greater than or equal to 0');
  if (max100 && p.percent && p.value > 100) e.invalid(rule, f, v, 'must not be greater than 100%');
  return p.value;
}

/**
 * ValidateDeploymentStrategy + ValidateRollingUpdateDeployment, after SetDefaults_Deployment: an absent strategy is
 * RollingUpdate with maxUnavailable and maxSurge 25%, and an absent one of the two is 25%.
 */
function validateDeploymentStrategy(spec: Obj, f: Field, e: Errors): void {
  const strategy = isObj(spec.strategy) ? spec.strategy : {};
  const type = str(strategy.type) ?? 'RollingUpdate';
  const sf = f.child('strategy');
  if (type === 'Recreate') {
    if (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) e.forbidden('ValidateDeploymentStrategy', sf.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'");
  } else if (type === 'RollingUpdate') {
    const ru = isObj(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
    const rf = sf.child('rollingUpdate');
    const maxUnavailable = ru.maxUnavailable ?? '25%';
    const unavailable = validateIntOrPercent(maxUnavailable, rf.child('maxUnavailable'), e, 'ValidateRollingUpdateDeployment', true);
    const surge = validateIntOrPercent(ru.maxSurge ?? '25%', rf.child('maxSurge'), e, 'ValidateRollingUpdateDeployment', false);
    if (unavailable === 0 && surge === 0) e.invalid('ValidateRollingUpdateDeployment', rf.child('maxUnavailable'), maxUnavailable, 'may not be 0 when `maxSurge` is 0');
  } else e.notSupported('ValidateDeploymentStrategy', sf, strategy, ['Recreate', 'RollingUpdate']);
}

/** ValidateDeploymentSpec: the fields besides selector and template (progressDeadlineSeconds defaults to 600). */
function validateDeploymentFields(spec: Obj, f: Field, e: Errors): void {
  validateDeploymentStrategy(spec, f, e);
  validateNonnegative(spec, f, e, 'ValidateDeploymentSpec', ['minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds']);
  const progress = typeof spec.progressDeadlineSeconds === 'number' ? spec.progressDeadlineSeconds : 600;
  const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
  if (progress <= minReady) e.invalid('ValidateDeploymentSpec', f.child('progressDeadlineSeconds'), progress, 'must be greater than minReadySeconds');
}

/**
 * ValidateStatefulSetSpec after SetDefaults_StatefulSet: podManagementPolicy (OrderedReady) and updateStrategy.type
 * (RollingUpdate) are defaulted when absent, so only a value outside the supported ones fails a create.
 */
function validateStatefulSetFields(spec: Obj, f: Field, e: Errors): void {
  const rule = 'ValidateStatefulSetSpec';
  const policy = spec.podManagementPolicy;
  if (policy !== undefined && policy !== 'OrderedReady' && policy !== 'Parallel') e.invalid(rule, f.child('podManagementPolicy'), policy, "must be 'OrderedReady' or 'Parallel'");
  const strategy = isObj(spec.updateStrategy) ? spec.updateStrategy : {};
  const type = strategy.type ?? 'RollingUpdate';
  const hasRolling = strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null;
  if (type === 'OnDelete') {
    if (hasRolling) e.invalid(rule, f.child('updateStrategy', 'rollingUpdate'), strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'");
  } else if (type === 'RollingUpdate') {
    if (isObj(strategy.rollingUpdate)) validateNonnegative(strategy.rollingUpdate, f.child('updateStrategy', 'rollingUpdate'), e, 'validateRollingUpdateStatefulSet', ['partition']);
  } else e.invalid(rule, f.child('updateStrategy'), spec.updateStrategy, "must be 'RollingUpdate' or 'OnDelete'");
  validateNonnegative(spec, f, e, rule, ['minReadySeconds']);
}

/** ValidatePodTemplateSpecForReplicaSet / ValidateStatefulSetSpec: a long-running pod has no activeDeadlineSeconds. */
function forbidActiveDeadline(spec: Obj, f: Field, e: Errors, rule: string, owner: string): void {
  const tpl = isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : {};
  if (tpl.activeDeadlineSeconds !== undefined) e.forbidden(rule, f.child('template', 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${owner} is not Supported`);
}

/** ValidateServiceSpec (pkg/apis/core/validation): port names, uniqueness, numbers, target ports. */
function validateService(spec: Obj, e: Errors): void {
  const f = new Field(['spec']);
  const type = str(spec.type) ?? 'ClusterIP';
  const ports = arr(spec.ports);
  if (ports.length === 0 && type !== 'ExternalName' && spec.clusterIP !== 'None') e.required('ValidateService', f.child('ports'));
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    if (!isObj(p)) return;
    const pf = f.child('ports', i);
    const name = str(p.name);
    if (ports.length > 1 && !name) e.required('validateServicePort', pf.child('name'));
    if (name) {
      // validateServicePort checks a Service port's name with ValidateDNS1123Label (not IsValidPortName: the
      // 15-character IANA limit is for container ports and named target ports).
      e.each('validateServicePort', pf.child('name'), name, isDns1123Label(name));
      if (names.has(name)) e.duplicate('validateServicePort', pf.child('name'), name);
      names.add(name);
    }
    e.each('validateServicePort', pf.child('port'), p.port, isValidPortNum(Number(p.port)));
    const proto = str(p.protocol) ?? 'TCP';
    if (!PROTOCOLS.includes(proto)) e.notSupported('validateServicePort', pf.child('protocol'), proto, PROTOCOLS);
    const key = `${p.port}/${proto}`;
    if (keys.has(key)) e.duplicate('ValidateService', pf, { port: p.port, protocol: proto });
    keys.add(key);
    const tp = p.targetPort;
    if (typeof tp === 'string') e.each('validateServicePort', pf.child('targetPort'), tp, isValidPortName(tp));
    else if (typeof tp === 'number') e.each('validateServicePort', pf.child('targetPort'), tp, isValidPortNum(tp));
  });
  if (isObj(spec.selector)) validateLabels(spec.selector, f.child('selector'), e);
}

/** ValidateConfigMap / ValidateSecret: IsConfigMapKey keys, no key in both data and binaryData, size limits. */
function validateDataKeys(obj: Obj, e: Errors, rule: string, limit: number): void {
  const seen = new Set<string>();
  let total = 0;
  for (const field of ['data', 'binaryData', 'stringData']) {
    const d = obj[field];
    if (!isObj(d)) continue;
    for (const [k, v] of Object.entries(d)) {
      const f = new Field([field, k]);
      if (k.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(k)) e.invalid(rule, f, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
      if (field !== 'stringData' && seen.has(k)) e.duplicate(rule, f, k);
      if (field !== 'stringData') seen.add(k);
      total += typeof v === 'string' ? v.length : 0;
    }
  }
  if (total > limit) e.invalid(rule, new Field(['data']), `${total} bytes`, `must have at most ${limit} bytes`);
}

/** ValidateRoleBinding (pkg/apis/rbac/validation): roleRef kinds and subject kinds. */
function validateRoleBinding(obj: Obj, e: Errors): void {
  const ref = isObj(obj.roleRef) ? obj.roleRef : {};
  if (ref.apiGroup !== 'rbac.authorization.k8s.io') e.notSupported('ValidateRoleBinding', new Field(['roleRef', 'apiGroup']), ref.apiGroup, ['rbac.authorization.k8s.io']);
  if (!['Role', 'ClusterRole'].includes(String(ref.kind))) e.notSupported('ValidateRoleBinding', new Field(['roleRef', 'kind']), ref.kind, ['Role', 'ClusterRole']);
  if (!str(ref.name)) e.required('ValidateRoleBinding', new Field(['roleRef', 'name']));
  arr(obj.subjects).forEach((s, i) => {
    if (!isObj(s)) return;
    const f = new Field(['subjects', i]);
    if (!['ServiceAccount', 'User', 'Group'].includes(String(s.kind))) e.notSupported('ValidateRoleBindingSubject', f.child('kind'), s.kind, ['ServiceAccount', 'User', 'Group']);
    if (s.kind === 'ServiceAccount') {
      if (typeof s.name === 'string') e.each('ValidateServiceAccountName', f.child('name'), s.name, isDns1123Subdomain(s.name));
      if (s.apiGroup !== undefined && s.apiGroup !== '') e.notSupported('ValidateRoleBindingSubject', f.child('apiGroup'), s.apiGroup, ['']);
    }
  });
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
const NATIVE_GROUPS = new Set(['v1', 'apps/v1', 'batch/v1', 'autoscaling/v2', 'autoscaling/v1', 'policy/v1', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'argoproj.io/v1alpha1']);

/** Native-validation findings for one object; kinds outside the platform's set yield none. */
export function checkNative(object: unknown): Finding[] {
  if (!isObj(object)) return [];
  const kind = str(object.kind) ?? '';
  const apiVersion = str(object.apiVersion) ?? '';
  if (!NATIVE_GROUPS.has(apiVersion)) return [];
  const e = new Errors();
  const isCore = apiVersion !== 'argoproj.io/v1alpha1';
  if (isCore || kind === 'Rollout') validateObjectMeta(kind, object, e, CLUSTER_SCOPED.has(kind));
  const spec = isObj(object.spec) ? object.spec : {};
  const sf = new Field(['spec']);
  switch (kind) {
    case 'Deployment': // ValidateDeploymentSpec + ValidatePodTemplateSpecForReplicaSet (pkg/apis/apps/validation)
      validateNonnegative(spec, sf, e, 'ValidateDeploymentSpec', ['replicas']);
      validateSelectorMatchesTemplate(spec, sf, e, 'ValidateDeploymentSpec');
      validatePodTemplate(spec.template, sf.child('template'), e, ['Always']);
      forbidActiveDeadline(spec, sf, e, 'ValidatePodTemplateSpecForReplicaSet', 'ReplicaSet');
      validateDeploymentFields(spec, sf, e);
      break;
    case 'StatefulSet': // ValidateStatefulSetSpec + ValidatePodTemplateSpecForStatefulSet
      validateStatefulSetFields(spec, sf, e);
      validateNonnegative(spec, sf, e, 'ValidateStatefulSetSpec', ['replicas']);
      validateSelectorMatchesTemplate(spec, sf, e, 'ValidateStatefulSetSpec', 'empty selector is invalid for statefulset');
      validatePodTemplate(spec.template, sf.child('template'), e, ['Always']);
      forbidActiveDeadline(spec, sf, e, 'ValidateStatefulSetSpec', 'StatefulSet');
      break;
    case 'DaemonSet': // ValidateDaemonSetSpec
      validateSelectorMatchesTemplate(spec, sf, e, 'ValidateDaemonSetSpec');
      validatePodTemplate(spec.template, sf.child('template'), e, ['Always']);
      break;
    case 'Rollout': // Argo Rollouts' ValidateRollout restates ValidateDeploymentSpec for the pod template
      if (spec.workloadRef !== undefined) break;
      validateNonnegative(spec, sf, e, 'ValidateRollout', ['replicas']);
      validateSelectorMatchesTemplate(spec, sf, e, 'ValidateRollout');
      validatePodTemplate(spec.template, sf.child('template'), e, ['Always']);
      break;
    case 'Job': {
      // ValidateJobSpec (pkg/apis/batch/validation): the pod may not restart Always.
      validatePodTemplate(spec.template, sf.child('template'), e, ['OnFailure', 'Never']);
      for (const k of ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds'] as const) {
        if (typeof spec[k] === 'number' && (spec[k] as number) < (k === 'activeDeadlineSeconds' ? 1 : 0)) e.invalid('ValidateJobSpec', sf.child(k), spec[k], `must be greater than or equal to ${k === 'activeDeadlineSeconds' ? 1 : 0}`);
      }
      break;
    }
    case 'Service':
      validateService(spec, e);
      break;
    case 'HorizontalPodAutoscaler': {
      // validateHorizontalPodAutoscalerSpec (pkg/apis/autoscaling/validation)
      const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 1;
      if (typeof spec.minReplicas === 'number' && spec.minReplicas < 1) e.invalid('validateHorizontalPodAutoscalerSpec', sf.child('minReplicas'), spec.minReplicas, 'must be greater than or equal to 1');
      // minReplicas is defaulted to 1 before validation, so maxReplicas 0 fails both checks.
      if (typeof spec.maxReplicas === 'number' && spec.maxReplicas < 1) e.invalid('validateHorizontalPodAutoscalerSpec', sf.child('maxReplicas'), spec.maxReplicas, 'must be greater than 0');
      if (typeof spec.maxReplicas === 'number' && spec.maxReplicas < min) e.invalid('validateHorizontalPodAutoscalerSpec', sf.child('maxReplicas'), spec.maxReplicas, 'must be greater than or equal to `minReplicas`');
      const ref = isObj(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
      if (!str(ref.kind)) e.required('ValidateCrossVersionObjectReference', sf.child('scaleTargetRef', 'kind'));
      if (!str(ref.name)) e.required('ValidateCrossVersionObjectReference', sf.child('scaleTargetRef', 'name'));
      break;
    }
    case 'PodDisruptionBudget': // ValidatePodDisruptionBudgetSpec (pkg/apis/policy/validation)
      if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) e.invalid('ValidatePodDisruptionBudgetSpec', sf, spec, 'minAvailable and maxUnavailable cannot be both set');
      for (const k of ['minAvailable', 'maxUnavailable']) validateIntOrPercent(spec[k], sf.child(k), e, 'ValidatePodDisruptionBudgetSpec', true);
      if (isObj(spec.selector)) validateLabels(spec.selector.matchLabels, sf.child('selector', 'matchLabels'), e);
      break;
    case 'ConfigMap':
      validateDataKeys(object, e, 'ValidateConfigMap', 1024 * 1024);
      break;
    case 'Secret':
      validateDataKeys(object, e, 'ValidateSecret', 1024 * 1024);
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      validateRoleBinding(object, e);
      break;
    case 'NetworkPolicy': // ValidateNetworkPolicySpec: named ports are IANA service names
      for (const dir of ['ingress', 'egress'] as const) {
        arr(spec[dir]).forEach((r, i) => {
          if (!isObj(r)) return;
          arr(r.ports).forEach((p, j) => {
            if (!isObj(p)) return;
            const pf = sf.child(dir, i, 'ports', j, 'port');
            if (typeof p.port === 'string') e.each('ValidateNetworkPolicyPort', pf, p.port, isValidPortName(p.port));
            else if (typeof p.port === 'number') e.each('ValidateNetworkPolicyPort', pf, p.port, isValidPortNum(p.port));
          });
        });
      }
      break;
  }
  return e.list;
}

