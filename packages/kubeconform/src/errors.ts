/**
 * Turns ajv errors into santhosh-tekuri/jsonschema v6 wording and shape (spec §1.3, §3 point 8):
 * a tree whose top-level causes become `validationErrors`, and whose text, newlines turned into
 * spaces, becomes the Invalid message.
 */
import type { AjvErrorLike } from './compiler';
import { formatReason } from './formats';

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

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

const quoteList = (xs: string[]) => xs.map((x) => `'${x}'`).join(', ');

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
    case 'enum':
      return `value must be one of ${((p.allowedValues as unknown[]) ?? []).map(show).join(', ')}`;
    case 'const':
      return `value must be ${show(p.allowedValue)}`;
    case 'pattern':
      return `'${String(data)}' does not match pattern '${String(p.pattern)}'`;
    case 'format': {
      const reason = typeof data === 'string' ? formatReason(String(p.format), data) : undefined;
      return `'${String(data)}' is not valid ${String(p.format)}${reason ? `: ${reason}` : ''}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      let kw = e.keyword;
      if (kw === 'minimum' && p.comparison === '>') kw = 'exclusiveMinimum';
      if (kw === 'maximum' && p.comparison === '<') kw = 'exclusiveMaximum';
      return `${kw}: got ${String(data)}, want ${String(p.limit)}`;
    }
    case 'minLength':
    case 'maxLength':
      return `${e.keyword}: got ${typeof data === 'string' ? [...data].length : '?'}, want ${String(p.limit)}`;
    case 'minItems':
    case 'maxItems':
      return `${e.keyword}: got ${Array.isArray(data) ? data.length : '?'}, want ${String(p.limit)}`;
    case 'minProperties':
    case 'maxProperties':
      return `${e.keyword}: got ${data && typeof data === 'object' ? Object.keys(data).length : '?'}, want ${String(p.limit)}`;
    case 'multipleOf':
      return `${String(data)} not multipleOf ${String(p.multipleOf)}`;
    case 'uniqueItems':
      return `items at ${String(p.j)} and ${String(p.i)} are equal`;
    case 'not':
      return "'not' failed";
    case 'false schema':
      return 'false schema';
    case 'dependencies':
    case 'dependentRequired':
      return `properties ${quoteList(String(p.deps).split(', '))} required, if '${String(p.property)}' exists`;
    default:
      return e.message ?? e.keyword;
  }
}

/** Builds v6's cause tree from ajv's flat error list. */
export function toCauses(errors: AjvErrorLike[], doc: unknown): Cause[] {
  // Branch failures of oneOf/anyOf are nested under that keyword's own error.
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const owner = (e: AjvErrorLike) =>
    combinators.find((c) => c !== e && e.schemaPath.startsWith(c.schemaPath.replace(/\/(oneOf|anyOf)$/, '/$1/')));
  const top: Cause[] = [];
  const nested = new Map<AjvErrorLike, AjvErrorLike[]>();
  for (const e of errors) {
    const o = owner(e);
    if (o !== undefined) {
      const list = nested.get(o) ?? [];
      list.push(e);
      nested.set(o, list);
    }
  }
  const build = (list: AjvErrorLike[]): Cause[] => {
    const out: Cause[] = [];
    const merged = new Map<string, Cause & { names: string[] }>();
    for (const e of list) {
      if (e.keyword === 'additionalProperties' || e.keyword === 'required') {
        const k = `${e.keyword}\0${e.instancePath}\0${e.schemaPath}`;
        let m = merged.get(k);
        if (m === undefined) {
          m = { path: e.instancePath, msg: '', causes: [], names: [] };
          merged.set(k, m);
          out.push(m);
        }
        m.names.push(String(e.keyword === 'required' ? e.params.missingProperty : e.params.additionalProperty));
        m.msg =
          e.keyword === 'required'
            ? `missing ${m.names.length > 1 ? 'properties' : 'property'} ${quoteList(m.names)}`
            : `additional properties ${quoteList(m.names)} not allowed`;
        continue;
      }
      if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
        const passing = e.params.passingSchemas as number[] | null | undefined;
        const msg = e.keyword === 'anyOf' ? "'anyOf' failed" : passing ? `'oneOf' failed, subschemas ${passing.join(', ')} matched` : "'oneOf' failed, none matched";
        const inner = passing ? [] : build((nested.get(e) ?? []).filter((x) => owner(x) === e));
        out.push({ path: e.instancePath, msg, causes: inner });
        continue;
      }
      out.push({ path: e.instancePath, msg: message(e, doc), causes: [] });
    }
    return out;
  };
  top.push(...build(errors.filter((e) => owner(e) === undefined)));
  return group(top, '');
}

const sortCauses = (cs: Cause[]) => cs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.msg < b.msg ? -1 : a.msg > b.msg ? 1 : 0));

/** v6 wraps several failures under one instance location in a "validation failed" group. */
function group(causes: Cause[], prefix: string): Cause[] {
  const here: Cause[] = [];
  const bySeg = new Map<string, Cause[]>();
  for (const c of causes) {
    if (c.path === prefix) {
      here.push(c);
      continue;
    }
    const rest = c.path.slice(prefix.length + 1);
    const seg = rest.split('/')[0]!;
    const key = `${prefix}/${seg}`;
    const list = bySeg.get(key) ?? [];
    list.push(c);
    bySeg.set(key, list);
  }
  const out = [...here];
  for (const [key, list] of bySeg) {
    if (list.length === 1) out.push(list[0]!);
    else out.push({ path: key, msg: 'validation failed', causes: group(list, key) });
  }
  return sortCauses(out);
}

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
