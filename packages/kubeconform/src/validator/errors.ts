/**
 * Turns ajv errors into santhosh-tekuri/jsonschema v6 wording and shape (spec §1.3, §3 point 8):
 * a tree whose top-level causes become `validationErrors`, and whose text, newlines turned into
 * spaces, becomes the Invalid message.
 */
import type { AjvErrorLike } from '../compiling/compiler';
import { formatReason } from '../compiling/formats';

export interface ValidationError {
  path: string;
  msg: string;
}

interface Cause {
  path: string;
  msg: string;
  causes: Cause[];
}

const TYPE_ORDER = ['null', 'boolean', 'number', 'integer', 'string', 'array', 'object'];

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  return typeof v; // boolean, string, object
}

function at(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** v6's quote(): Go's %q, then `\"` back to `"`, `'` escaped, in single quotes. */
export function goQuote(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if ((c >= 0x80 && c < 0xa0) || c === 0xfffd) out += c === 0xfffd ? ch : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `'${out}'`;
}

/** Go's %v of a float64: the shortest digits, %e form when the exponent is < -4 or >= 21... of strconv's 'g' (6). */
function goFloat(x: number, sci: (mant: string, exp: number) => string, fixed: (s: string) => string): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return '0';
  const [mant, e] = x.toExponential().split('e') as [string, string];
  const exp = Number(e);
  return exp < -4 || exp >= 6 ? sci(mant, exp) : fixed(String(x));
}

/** fmt.Sprintf("%v", f) (v6's display() of a number). */
export function goNumber(x: number): string {
  return goFloat(x, (m, e) => `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`, (f) => f);
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const groupThousands = (f: string) => f.replace(/^(-?)(\d+)/, (_, sign: string, int: string) => sign + int.replace(/\B(?=(\d{3})+(?!\d))/g, ','));

/** golang.org/x/text's message.Printer for %v of a float64 (v6 prints limits this way): `1×10⁰⁶`, `123,456`. */
export function xtextNumber(x: number): string {
  return goFloat(
    x,
    (m, e) => `${m}×10${e < 0 ? '⁻' : ''}${[...String(Math.abs(e)).padStart(2, '0')].map((d) => SUPERSCRIPT[Number(d)]).join('')}`,
    groupThousands,
  );
}

/** The Printer's %d. */
const xtextInt = (n: number) => groupThousands(String(n));

/** v6's display(): strings quoted, arrays and objects as "value", anything else with %v. */
function display(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (v !== null && typeof v === 'object') return 'value';
  if (typeof v === 'number') return goNumber(v);
  return v === null ? '<nil>' : String(v);
}

const quoteList = (xs: string[]) => xs.map(goQuote).join(', ');
const primitive = (v: unknown) => v === null || typeof v !== 'object';

function message(e: AjvErrorLike, doc: unknown): string {
  const p = e.params;
  const data = at(doc, e.instancePath);
  switch (e.keyword) {
    case 'type': {
      const want = (Array.isArray(p.type) ? (p.type as string[]) : String(p.type).split(','))
        .slice()
        .sort((a, b) => TYPE_ORDER.indexOf(a) - TYPE_ORDER.indexOf(b));
      return `got ${jsonType(data)}, want ${want.join(' or ')}`;
    }
    case 'enum': {
      const values = (p.allowedValues as unknown[]) ?? [];
      if (!values.every(primitive)) return 'enum failed';
      return values.length === 1 ? `value must be ${display(values[0])}` : `value must be one of ${values.map(display).join(', ')}`;
    }
    case 'const':
      return primitive(p.allowedValue) ? `value must be ${display(p.allowedValue)}` : 'const failed';
    case 'pattern':
      return `${goQuote(String(data))} does not match pattern ${goQuote(String(p.pattern))}`;
    case 'format': {
      const reason = typeof data === 'string' ? formatReason(String(p.format), data) : undefined;
      return `${display(data)} is not valid ${String(p.format)}${reason ? `: ${reason}` : ''}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      let kw = e.keyword;
      if (kw === 'minimum' && p.comparison === '>') kw = 'exclusiveMinimum';
      if (kw === 'maximum' && p.comparison === '<') kw = 'exclusiveMaximum';
      return `${kw}: got ${xtextNumber(Number(data))}, want ${xtextNumber(Number(p.limit))}`;
    }
    case 'minLength':
    case 'maxLength':
      return `${e.keyword}: got ${typeof data === 'string' ? xtextInt([...data].length) : '?'}, want ${xtextInt(Number(p.limit))}`;
    case 'minItems':
    case 'maxItems':
      return `${e.keyword}: got ${Array.isArray(data) ? xtextInt(data.length) : '?'}, want ${xtextInt(Number(p.limit))}`;
    case 'minProperties':
    case 'maxProperties':
      return `${e.keyword}: got ${data && typeof data === 'object' ? xtextInt(Object.keys(data).length) : '?'}, want ${xtextInt(Number(p.limit))}`;
    case 'multipleOf':
      return `multipleOf: got ${xtextNumber(Number(data))}, want ${xtextNumber(Number(p.multipleOf))}`;
    case 'uniqueItems':
      return `items at ${xtextInt(Number(p.j))} and ${xtextInt(Number(p.i))} are equal`;
    case 'additionalItems':
      return `last ${xtextInt((Array.isArray(data) ? data.length : 0) - Number(p.limit))} additionalItem(s) not allowed`;
    case 'not':
      return 'not failed';
    case 'false schema':
      return 'false schema';
    case 'dependencies':
    case 'dependentRequired':
      return `properties ${quoteList(String(p.deps).split(', '))} required, if ${goQuote(String(p.property))} exists`;
    default:
      return e.message ?? e.keyword;
  }
}

/** A failure with its place in the schema: the schema node (keyword stripped) and the instance there. */
interface Node {
  sp: string;
  ip: string;
  /** Failures directly at this node: keyword errors and the results of failed subschemas. */
  direct: Cause[];
  /** Failed branches of allOf/anyOf/oneOf at this node, by keyword. */
  branches: Map<string, (Cause & { index: number })[]>;
  /** The anyOf/oneOf keyword error itself (ajv reports it beside the branch errors). */
  combinators: Map<string, Cause>;
  /** type, const, enum, format: v6 stops at the first of these that fails. */
  stop?: { rank: number; cause: Cause };
}

const STOP_RANK: Record<string, number> = { type: 0, const: 1, enum: 2, format: 3 };
const COMBINATOR = /^(allOf|anyOf|oneOf)$/;
const INSTANCE_STEP = /^(properties|patternProperties|dependentSchemas)$/;

/** The parent of a schema node: [parent schema path, whether the instance steps up, combinator keyword]. */
function parentOf(sp: string): [string, boolean, string | undefined, number] | undefined {
  const segs = sp.split('/');
  if (segs.length <= 1) return undefined;
  const last = segs[segs.length - 1]!;
  const prev = segs[segs.length - 2];
  if (prev !== undefined && COMBINATOR.test(prev) && /^\d+$/.test(last)) return [segs.slice(0, -2).join('/'), false, prev, Number(last)];
  if (prev !== undefined && INSTANCE_STEP.test(prev)) return [segs.slice(0, -2).join('/'), true, undefined, 0];
  if (prev === 'items' && /^\d+$/.test(last)) return [segs.slice(0, -2).join('/'), true, undefined, 0];
  if (prev === 'dependencies') return [segs.slice(0, -2).join('/'), false, undefined, 0];
  if (last === 'items' || last === 'additionalItems' || last === 'additionalProperties') return [segs.slice(0, -1).join('/'), true, undefined, 0];
  if (last === 'not' || last === 'if' || last === 'then' || last === 'else') return [segs.slice(0, -1).join('/'), false, undefined, 0];
  return [segs.slice(0, -1).join('/'), false, undefined, 0];
}

const up = (ip: string) => ip.slice(0, Math.max(0, ip.lastIndexOf('/')));

/**
 * Builds v6's cause tree from ajv's flat error list: a schema node with one failure passes it up
 * unchanged, one with several becomes a "validation failed" group; allOf/anyOf/oneOf wrap their
 * failed branches; the root's group is unwrapped.
 */
export function toCauses(errors: AjvErrorLike[], doc: unknown): Cause[] {
  const nodes = new Map<string, Node>();
  const node = (sp: string, ip: string): Node => {
    const k = `${sp}\0${ip}`;
    let n = nodes.get(k);
    if (n === undefined) {
      n = { sp, ip, direct: [], branches: new Map(), combinators: new Map() };
      nodes.set(k, n);
    }
    return n;
  };
  const merged = new Map<string, Cause & { names: string[] }>();
  const seenDeps = new Set<string>();
  for (const e of errors) {
    const kwAt = e.schemaPath.lastIndexOf('/');
    const n = node(e.schemaPath.slice(0, kwAt), e.instancePath);
    if (e.keyword === 'additionalProperties' || e.keyword === 'required') {
      const k = `${e.keyword}\0${e.instancePath}\0${e.schemaPath}`;
      let m = merged.get(k);
      if (m === undefined) {
        m = { path: e.instancePath, msg: '', causes: [], names: [] };
        merged.set(k, m);
        n.direct.push(m);
      }
      m.names.push(String(e.keyword === 'required' ? e.params.missingProperty : e.params.additionalProperty));
      m.msg = e.keyword === 'required' ? `missing ${m.names.length > 1 ? 'properties' : 'property'} ${quoteList(m.names)}` : `additional properties ${quoteList(m.names)} not allowed`;
      continue;
    }
    if (e.keyword === 'dependencies' || e.keyword === 'dependentRequired') {
      const k = `${e.schemaPath}\0${e.instancePath}\0${String(e.params.property)}`;
      if (seenDeps.has(k)) continue;
      seenDeps.add(k);
    }
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
      const passing = e.params.passingSchemas as number[] | null | undefined;
      const msg = e.keyword === 'anyOf' ? 'anyOf failed' : passing ? `oneOf failed, subschemas ${passing.join(', ')} matched` : 'oneOf failed, none matched';
      const c: Cause = { path: e.instancePath, msg, causes: [] };
      n.combinators.set(e.keyword, c);
      n.direct.push(c);
      continue;
    }
    const c: Cause = { path: e.instancePath, msg: message(e, doc), causes: [] };
    const rank = STOP_RANK[e.keyword];
    if (rank !== undefined) {
      if (n.stop === undefined || rank < n.stop.rank) n.stop = { rank, cause: c };
      continue;
    }
    n.direct.push(c);
  }
  // Deepest schema nodes first (a parent's path is always shorter), so that each result is
  // complete before it moves up.
  const depth = (n: Node) => n.sp.split('/').length;
  const done = new Set<Node>();
  let root: Cause | undefined;
  for (;;) {
    let n: Node | undefined;
    for (const x of nodes.values()) if (!done.has(x) && (n === undefined || depth(x) > depth(n))) n = x;
    if (n === undefined) break;
    done.add(n);
    let result: Cause | undefined;
    if (n.stop !== undefined) result = n.stop.cause;
    else {
      const list = [...n.direct];
      for (const [kw, indexed] of n.branches) {
        // Branches keep subschema order, as v6 lists them.
        const causes: Cause[] = indexed.sort((a, b) => a.index - b.index).map(({ index: _i, ...c }) => c);
        const owner = n.combinators.get(kw);
        if (kw === 'allOf') list.push({ path: n.ip, msg: 'allOf failed', causes });
        else if (owner === undefined) list.push(...causes);
        else if (!owner.msg.endsWith('matched')) owner.causes.push(...causes);
      }
      if (list.length === 1) result = list[0];
      else if (list.length > 1) result = { path: n.ip, msg: 'validation failed', causes: sortCauses(list) };
    }
    if (result === undefined) continue;
    const parent = parentOf(n.sp);
    if (parent === undefined) {
      root = result;
      continue;
    }
    const [psp, stepsUp, combinator, index] = parent;
    const pn = node(psp, stepsUp ? up(n.ip) : n.ip);
    if (combinator !== undefined) {
      const list = pn.branches.get(combinator) ?? [];
      list.push({ ...result, index });
      pn.branches.set(combinator, list);
    } else pn.direct.push(result);
  }
  if (root === undefined) return [];
  // v6's Validate lists the causes of the root's result when that result is a group, wherever it sits.
  return root.msg === 'validation failed' ? root.causes : [root];
}

const sortCauses = (cs: Cause[]) => cs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.msg < b.msg ? -1 : a.msg > b.msg ? 1 : 0));
function render(c: Cause, depth: number, lines: string[]): void {
  lines.push(`${'  '.repeat(depth)}- at '${c.path}': ${c.msg}`);
  for (const x of c.causes) render(x, depth + 1, lines);
}

/** The Invalid message and JSON `validationErrors` for a failed validation. */
export function describeFailure(errors: AjvErrorLike[], doc: unknown, schemaUrl: string): { msg: string; validationErrors: ValidationError[] } {
  const causes = toCauses(errors, doc);
  const lines = [`jsonschema validation failed with '${schemaUrl}#'`];
  for (const c of causes) render(c, 0, lines);
  return {
    msg: `problem validating schema. Check JSON formatting: ${lines.join('\n').replace(/\n/g, ' ')}`,
    validationErrors: causes.map((c) => ({ path: c.path, msg: c.msg })),
  };
}
