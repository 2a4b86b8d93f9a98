/**
 * ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) evaluated offline against a render, as the API
 * server's admission plugin does on create (k8s.io/apiserver/pkg/admission/plugin/policy/validating):
 * a binding selects its policy; the policy's matchConstraints (resourceRules, namespaceSelector, objectSelector,
 * excludeResourceRules) and the binding's matchResources both have to match; matchConditions gate; variables are
 * evaluated lazily under `variables.<name>`; each validation failing yields its message (or messageExpression),
 * reported as deny (error) or warn (warning) per the binding's validationActions. `params` come from objects of
 * the policy folder named by the binding's paramRef. `oldObject` is null (a create), `request` carries the
 * operation, kind and namespace.
 */
import { evaluate, toCelValue } from './crd-rules';
import type { Finding } from './finding';
import { selectorMatches } from './native';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export interface PolicySet {
  policies: Obj[];
  bindings: Obj[];
  /** Every other object of the folder: candidates for paramRef. */
  params: Obj[];
}

export interface PolicyFinding extends Finding {
  index: number;
}

/** Splits the documents of a policies/ folder. */
export function policySet(docs: unknown[]): PolicySet {
  const set: PolicySet = { policies: [], bindings: [], params: [] };
  for (const d of docs) {
    if (!isObj(d)) continue;
    if (d.kind === 'ValidatingAdmissionPolicy') set.policies.push(d);
    else if (d.kind === 'ValidatingAdmissionPolicyBinding') set.bindings.push(d);
    else set.params.push(d);
  }
  return set;
}

/** Plural resource names of the kinds a render holds (RESTMapper's guess: lower-case, +s / +es / y→ies). */
export function resourceOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('s') || k.endsWith('x') || k.endsWith('ch')) return `${k}es`;
  if (k.endsWith('y') && !/[aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

const groupVersion = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion]) as [string, string];
const matchesList = (list: unknown, value: string) => arr(list).some((x) => x === '*' || x === value);
const labelsOf = (o: Obj): Obj => (isObj(o.metadata) && isObj(o.metadata.labels) ? (o.metadata.labels as Obj) : {});

function ruleMatches(rule: Obj, o: Obj): boolean {
  const [group, version] = groupVersion(String(o.apiVersion));
  const resource = resourceOf(String(o.kind));
  const ops = arr(rule.operations);
  if (ops.length > 0 && !matchesList(ops, 'CREATE')) return false;
  if (!matchesList(rule.apiGroups, group) || !matchesList(rule.apiVersions, version) || !matchesList(rule.resources, resource)) return false;
  const names = arr(rule.resourceNames);
  const name = isObj(o.metadata) ? String(o.metadata.name ?? '') : '';
  return names.length === 0 || names.includes(name);
}

/** matchConstraints / matchResources: rules, exclusions and label selectors (namespace labels from the render). */
function resourcesMatch(match: unknown, o: Obj, namespaceLabels: Obj | undefined): boolean {
  if (!isObj(match)) return true;
  if (arr(match.resourceRules).length > 0 && !arr(match.resourceRules).some((r) => isObj(r) && ruleMatches(r, o))) return false;
  if (arr(match.excludeResourceRules).some((r) => isObj(r) && ruleMatches(r, o))) return false;
  if (isObj(match.objectSelector) && !selectorMatches(match.objectSelector, labelsOf(o))) return false;
  if (isObj(match.namespaceSelector) && Object.keys(match.namespaceSelector).length > 0) {
    // A cluster-scoped object always matches the namespace selector; a namespaced one needs its Namespace.
    const ns = isObj(o.metadata) ? o.metadata.namespace : undefined;
    if (ns !== undefined && !selectorMatches(match.namespaceSelector, namespaceLabels ?? {})) return false;
  }
  return true;
}

function paramsFor(binding: Obj, policy: Obj, set: PolicySet, namespace: string): { params: Obj[] | null; error?: string } {
  const spec = isObj(policy.spec) ? policy.spec : {};
  const paramKind = isObj(spec.paramKind) ? spec.paramKind : undefined;
  if (!paramKind) return { params: null };
  const ref = isObj(binding.spec) && isObj(binding.spec.paramRef) ? binding.spec.paramRef : undefined;
  if (!ref) return { params: null, error: 'paramKind is set but the binding has no paramRef' };
  const candidates = set.params.filter((p) => p.kind === paramKind.kind && p.apiVersion === paramKind.apiVersion);
  const md = (p: Obj) => (isObj(p.metadata) ? p.metadata : {});
  const found = candidates.filter(
    (p) =>
      (ref.name === undefined || md(p).name === ref.name) &&
      (ref.namespace === undefined ? md(p).namespace === undefined || md(p).namespace === namespace : md(p).namespace === ref.namespace) &&
      (!isObj(ref.selector) || selectorMatches(ref.selector, labelsOf(p))),
  );
  if (found.length === 0) return ref.parameterNotFoundAction === 'Allow' ? { params: [] } : { params: null, error: `no params found for binding ${String(md(binding).name)}` };
  return { params: found };
}

/** The label that binds a binding to one environment's clusters; without it a binding applies everywhere. */
export const ENVIRONMENT_LABEL = 'platform.example.com/environment';

/** The bindings (and so the policies) that the clusters of `environment` enforce. */
export function bindingsFor(set: PolicySet, environment: string): Obj[] {
  return set.bindings.filter((b) => {
    const env = labelsOf(b)[ENVIRONMENT_LABEL];
    return env === undefined || env === environment;
  });
}

/** Every policy finding of the render, deny and warn, in document order. */
export function checkPolicies(objects: unknown[], set: PolicySet, environment: string): PolicyFinding[] {
  const out: PolicyFinding[] = [];
  const namespaces = new Map<string, Obj>();
  for (const o of objects) if (isObj(o) && o.kind === 'Namespace' && isObj(o.metadata)) namespaces.set(String(o.metadata.name), labelsOf(o));
  const policies = new Map(set.policies.map((p) => [String(isObj(p.metadata) ? p.metadata.name : ''), p]));
  const bindings = bindingsFor(set, environment);
  objects.forEach((raw, index) => {
    if (!isObj(raw)) return;
    const ns = isObj(raw.metadata) && typeof raw.metadata.namespace === 'string' ? raw.metadata.namespace : '';
    // The object's CEL value, made once for every policy that matches it (not once per binding).
    let object: unknown;
    const celObject = () => (object ??= toCelValue(raw, undefined));
    for (const binding of bindings) {
      const bspec = isObj(binding.spec) ? binding.spec : {};
      const policy = policies.get(String(bspec.policyName));
      if (!policy) continue;
      const pspec = isObj(policy.spec) ? policy.spec : {};
      const nsLabels = raw.kind === 'Namespace' ? labelsOf(raw) : namespaces.get(ns);
      if (!resourcesMatch(pspec.matchConstraints, raw, nsLabels) || !resourcesMatch(bspec.matchResources, raw, nsLabels)) continue;
      const policyName = String(bspec.policyName);
      const actions = arr(bspec.validationActions).map(String);
      const warn = !actions.includes('Deny') && actions.includes('Warn');
      if (!actions.includes('Deny') && !actions.includes('Warn')) continue; // Audit only: nothing to report offline
      const failurePolicyFail = pspec.failurePolicy !== 'Ignore';
      const { params, error } = paramsFor(binding, policy, set, ns);
      const report = (msg: string, path = '') => out.push({ index, source: 'policy', path, msg: `${policyName}: ${msg}`, rule: policyName, ...(warn ? { warn: true } : {}) });
      if (error) {
        if (failurePolicyFail) report(error);
        continue;
      }
      for (const param of params === null ? [null] : params) evaluatePolicy(raw, celObject(), ns, param, pspec, failurePolicyFail, report);
    }
  });
  return out;
}

function evaluatePolicy(raw: Obj, object: unknown, ns: string, param: Obj | null, pspec: Obj, failurePolicyFail: boolean, report: (msg: string) => void): void {
  const [group, version] = groupVersion(String(raw.apiVersion));
  const request = { operation: 'CREATE', namespace: ns, name: isObj(raw.metadata) ? String(raw.metadata.name ?? '') : '', kind: { group, version, kind: String(raw.kind) }, resource: { group, version, resource: resourceOf(String(raw.kind)) }, dryRun: false };
  const bindings: Record<string, unknown> = { object, oldObject: null, request, params: param === null ? null : toCelValue(param, undefined), namespaceObject: null };
  // variables are composed in order; each can use the earlier ones.
  const variables: Record<string, unknown> = {};
  for (const v of arr(pspec.variables)) {
    if (!isObj(v)) continue;
    const r = evaluate(String(v.expression), { ...bindings, variables });
    if ('error' in r) {
      if (failurePolicyFail) report(`variable ${String(v.name)}: ${r.error}`);
      return;
    }
    variables[String(v.name)] = r.value;
  }
  const ctx = { ...bindings, variables };
  for (const c of arr(pspec.matchConditions)) {
    if (!isObj(c)) continue;
    const r = evaluate(String(c.expression), ctx);
    if ('error' in r) {
      if (failurePolicyFail) report(`matchCondition ${String(c.name)}: ${r.error}`);
      return;
    }
    if (r.value !== true) return;
  }
  for (const v of arr(pspec.validations)) {
    if (!isObj(v)) continue;
    const r = evaluate(String(v.expression), ctx);
    if ('error' in r) {
      if (failurePolicyFail) report(`expression '${String(v.expression)}' resulted in error: ${r.error}`);
      continue;
    }
    if (r.value === true) continue;
    let msg = typeof v.message === 'string' && v.message !== '' ? v.message : `failed expression: ${String(v.expression)}`;
    if (typeof v.messageExpression === 'string') {
      const m = evaluate(v.messageExpression, ctx);
      if ('value' in m && typeof m.value === 'string' && m.value.trim() !== '') msg = m.value;
    }
    report(msg);
  }
}
