/**
 * `x-kubernetes-validations` of a CRD schema evaluated as the API server does on create
 * (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go, Validator.Validate):
 * each rule runs with `self` bound to the value at the rule's schema node, for every instance of that node;
 * transition rules (those that use `oldSelf`) are skipped because there is no old object on create;
 * `messageExpression` wins over `message` when it yields a non-empty string; `fieldPath` and `reason` shape
 * the reported path and message; and an evaluation that would exceed the cost limits is reported, not run.
 */
import { isCelError, parse, plan } from '@bufbuild/cel';
import type { CelResult } from '@bufbuild/cel';
import type { Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import { kubernetesCelEnv } from './cel-library';
import type { Finding } from './finding';

export interface SchemaNode {
  type?: string | string[];
  default?: unknown;
  format?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-int-or-string'?: boolean;
}

export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  optionalOldSelf?: boolean;
}

/** apiextensions: PerCallLimit and RuntimeCELCostBudget (k8s.io/apiserver/pkg/apis/cel/config.go). */
export const PER_CALL_COST_LIMIT = 1_000_000;
export const RUNTIME_COST_BUDGET = 10_000_000;

type Program = (ctx: { self: unknown }) => CelResult;
interface Compiled {
  program: Program | { error: string };
  /** Depth of nested comprehensions (all, exists, filter, map…): the exponent of the cost estimate. */
  loopDepth: number;
}
const compiled = new Map<string, Compiled>();

function loopDepth(e: Expr | undefined): number {
  if (!e) return 0;
  const k = e.exprKind;
  switch (k.case) {
    case 'comprehensionExpr': {
      const c = k.value;
      return Math.max(loopDepth(c.iterRange), 1 + Math.max(loopDepth(c.loopStep), loopDepth(c.loopCondition)), loopDepth(c.result));
    }
    case 'callExpr':
      return Math.max(loopDepth(k.value.target), ...k.value.args.map(loopDepth), 0);
    case 'selectExpr':
      return loopDepth(k.value.operand);
    case 'listExpr':
      return Math.max(0, ...k.value.elements.map(loopDepth));
    case 'structExpr':
      return Math.max(0, ...k.value.entries.map((x) => Math.max(loopDepth(x.value), x.keyKind.case === 'mapKey' ? loopDepth(x.keyKind.value) : 0)));
    default:
      return 0;
  }
}

function compile(source: string): Compiled {
  let c = compiled.get(source);
  if (!c) {
    try {
      const parsed = parse(source);
      c = { program: plan(kubernetesCelEnv(), parsed) as unknown as Program, loopDepth: loopDepth(parsed.expr) };
    } catch (e) {
      c = { program: { error: (e as Error).message.split('\n')[0]! }, loopDepth: 0 };
    }
    compiled.set(source, c);
  }
  return c;
}

/** Evaluates a CEL source against `self`; for callers outside CRD rules (policies) too. */
export function evaluate(source: string, bindings: Record<string, unknown>): { value: unknown } | { error: string } {
  const c = compile(source);
  if ('error' in c.program) return { error: `compilation failed: ${c.program.error}` };
  let r: CelResult;
  try {
    r = (c.program as unknown as (ctx: Record<string, unknown>) => CelResult)(bindings);
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (isCelError(r)) return { error: r.message };
  return { value: r };
}

/** Number of values below (and including) v: the size a comprehension over it can at most iterate. */
function size(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + size(x), 1);
  if (v !== null && typeof v === 'object') return Object.values(v).reduce((n: number, x) => n + size(x), 1);
  if (typeof v === 'string') return 1 + Math.ceil(v.length / 64);
  return 1;
}

const isType = (s: SchemaNode, t: string) => s.type === t || (Array.isArray(s.type) && s.type.includes(t));

/**
 * The CEL value of a JSON value at a schema node, as UnstructuredToVal makes it: integers are CEL ints,
 * int-or-string numbers too, objects are maps, and the rest keep their JSON type. (date-time and duration
 * formats stay strings: the shipped rules convert them with timestamp()/duration(), which accept strings.)
 */
export function toCelValue(v: unknown, s: SchemaNode | undefined): unknown {
  if (typeof v === 'number') {
    if (s && (isType(s, 'integer') || s['x-kubernetes-int-or-string']) && Number.isInteger(v)) return BigInt(v);
    if (!s || s.type === undefined) return Number.isInteger(v) ? BigInt(v) : v;
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => toCelValue(x, s?.items));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const declared = s?.properties?.[k];
      if (declared) {
        // Declared properties are CEL fields, escaped; map (additionalProperties) keys stay as they are.
        const name = escapeProperty(k);
        if (name !== undefined) out[name] = toCelValue(x, declared);
      } else out[k] = toCelValue(x, typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
    }
    return out;
  }
  return v;
}

/** CEL reserved words that the API server escapes as __word__ in property names (cel.Escape). */
const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);
/** k8s.io/apiserver/pkg/cel/common escaping of a declared property name; undefined when not expressible. */
export function escapeProperty(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[_a-zA-Z][-._a-zA-Z0-9/]*$/.test(name)) return undefined;
  return name.replace(/__|[._/-]/g, (m) => ({ __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' })[m] ?? m);
}

/**
 * The object as the API server holds it when rules run: schema defaults applied (structural defaulting of
 * k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting, done while decoding a create).
 */
export function withDefaults(v: unknown, s: SchemaNode | undefined): unknown {
  if (!s) return v;
  if (Array.isArray(v)) return v.map((x) => withDefaults(x, s.items));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = withDefaults(x, s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined));
  for (const [k, child] of Object.entries(s.properties ?? {})) {
    if (!(k in out) && child.default !== undefined) out[k] = withDefaults(structuredClone(child.default), child);
  }
  return out;
}

const escape = (seg: string) => seg.replace(/~/g, '~0').replace(/\//g, '~1');

/** `.a.b['c.d'][0]` (the fieldPath syntax the API server accepts) as JSON-pointer segments. */
export function fieldPathSegments(fieldPath: string): string[] | undefined {
  const segs: string[] = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]/y;
  let i = 0;
  while (i < fieldPath.length) {
    re.lastIndex = i;
    const m = re.exec(fieldPath);
    if (!m) return undefined;
    segs.push(m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3]!);
    i = re.lastIndex;
  }
  return segs;
}

const REASON_TEXT: Record<string, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueForbidden: 'Forbidden',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
};

const usesOldSelf = (rule: string) => /\boldSelf\b/.test(rule);

/** All rule failures of one object against its schema, in document order. */
export function checkCelRules(object: unknown, schema: SchemaNode): Finding[] {
  const findings: Finding[] = [];
  const budget = { left: RUNTIME_COST_BUDGET, exhausted: false };
  if (hasRules(schema)) walk(object, schema, [], findings, budget);
  return findings;
}

const ruleBearing = new WeakMap<SchemaNode, boolean>();
/** Whether a rule sits at or below this node; the walk skips every subtree without one. */
function hasRules(s: SchemaNode): boolean {
  let r = ruleBearing.get(s);
  if (r === undefined) {
    ruleBearing.set(s, false); // cycles cannot occur in CRD schemas, but a self-reference must not recurse forever
    r =
      (s['x-kubernetes-validations']?.length ?? 0) > 0 ||
      Object.values(s.properties ?? {}).some(hasRules) ||
      (typeof s.additionalProperties === 'object' && hasRules(s.additionalProperties)) ||
      (s.items !== undefined && hasRules(s.items));
    ruleBearing.set(s, r);
  }
  return r;
}

function walk(v: unknown, s: SchemaNode, path: string[], out: Finding[], budget: { left: number; exhausted: boolean }): void {
  if (budget.exhausted) return;
  const rules = s['x-kubernetes-validations'];
  if (rules && rules.length > 0) {
    v = withDefaults(v, s);
    const self = toCelValue(v, s);
    const n = size(v);
    for (const rule of rules) {
      if (usesOldSelf(rule.rule)) continue; // a transition rule: nothing to compare with on create
      const c = compile(rule.rule);
      const cost = Math.min(Number.MAX_SAFE_INTEGER, n ** (c.loopDepth + 1));
      const at = `/${path.map(escape).join('/')}`.replace(/^\/$/, '');
      if (cost > PER_CALL_COST_LIMIT) {
        out.push({ source: 'cel', path: at, msg: `${rule.rule}: operation cancelled: actual cost limit exceeded`, rule: rule.rule });
        continue;
      }
      budget.left -= cost;
      if (budget.left < 0) {
        budget.exhausted = true;
        out.push({ source: 'cel', path: at, msg: 'validation failed due to running out of cost budget, no further validation rules will be run', rule: rule.rule });
        return;
      }
      const r = evaluate(rule.rule, { self });
      if ('error' in r) {
        out.push({ source: 'cel', path: at, msg: `${rule.rule}: ${r.error}`, rule: rule.rule });
        continue;
      }
      if (r.value === true) continue;
      let message = rule.message ?? '';
      if (rule.messageExpression) {
        const m = evaluate(rule.messageExpression, { self });
        if ('value' in m && typeof m.value === 'string' && m.value.trim() !== '' && !m.value.includes('\n')) message = m.value;
      }
      if (message === '') message = `failed rule: ${rule.rule}`;
      const extra = rule.fieldPath ? fieldPathSegments(rule.fieldPath) : [];
      const where = extra === undefined ? at : at + extra.map((x) => `/${escape(x)}`).join('');
      out.push({ source: 'cel', path: where, msg: `${REASON_TEXT[rule.reason ?? 'FieldValueInvalid'] ?? 'Invalid value'}: ${message}`, rule: rule.rule });
    }
  }
  if (Array.isArray(v)) {
    if (s.items && hasRules(s.items)) v.forEach((x, i) => walk(x, s.items!, [...path, String(i)], out, budget));
  } else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const [k, child] of Object.entries(s.properties ?? {})) {
      // An absent property with a default is there when the API server validates (structural defaulting).
      const x = k in o ? o[k] : child.default !== undefined ? structuredClone(child.default) : undefined;
      if (x !== undefined && hasRules(child)) walk(x, child, [...path, k], out, budget);
    }
    const extra = s.additionalProperties;
    if (typeof extra === 'object' && hasRules(extra)) {
      for (const [k, x] of Object.entries(o)) if (!s.properties?.[k]) walk(x, extra, [...path, k], out, budget);
    }
  }
}
