/**
 * Splitting and decoding of YAML streams as kubeconform does it: k8s' splitYAMLDocument on
 * "\n---", then each chunk through go-yaml v2 (YAML 1.1) and a JSON round trip into a map.
 */
import { isUtf8 } from 'node:buffer';
import { BAIL, fastParse } from './fast-yaml';
import { goSyntax, keyIdentity, keyToString, resolvePlain, setKey } from './yaml11';
import type { Resolved } from './yaml11';
import type { Document, Node as YamlNode, Pair, Scalar } from 'yaml';

export interface Chunk {
  /** Decoded text, or undefined when the bytes are not valid UTF-8. */
  text: string | undefined;
  byteLength: number;
}

const SEP = Buffer.from('\n---');

/**
 * Byte ranges of the documents of a stream. A separator line is any line starting with `---`; the
 * rest of that line is dropped. As with bufio.Scanner, a trailing separator line without a newline
 * drops the text before it.
 */
export function splitChunks(buf: Buffer): Chunk[] {
  // Valid UTF-8 (the normal case) is decoded once and split as text; "\n---" is ASCII, so the cut
  // points are the same. Zero-length chunks keep byteLength 0 either way.
  if (isUtf8(buf)) {
    const text = buf.toString('utf8');
    return splitText(text).map((t) => ({ text: t, byteLength: t.length }));
  }
  const out: Chunk[] = [];
  const push = (s: number, e: number) => {
    const sub = buf.subarray(s, e);
    out.push({ text: isUtf8(sub) ? sub.toString('utf8') : undefined, byteLength: e - s });
  };
  let start = 0;
  const n = buf.length;
  while (start < n) {
    const i = buf.indexOf(SEP, start);
    if (i < 0) {
      push(start, n);
      break;
    }
    const after = i + SEP.length;
    if (after === n) {
      push(start, i);
      break;
    }
    const nl = buf.indexOf(10, after);
    if (nl < 0) break;
    push(start, i);
    start = nl + 1;
  }
  return out;
}

function splitText(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const n = text.length;
  while (start < n) {
    const i = text.indexOf('\n---', start);
    if (i < 0) {
      out.push(text.slice(start));
      break;
    }
    const after = i + 4;
    if (after === n) {
      out.push(text.slice(start, i));
      break;
    }
    const nl = text.indexOf('\n', after);
    if (nl < 0) break;
    out.push(text.slice(start, i));
    start = nl + 1;
  }
  return out;
}

export type ParseOutcome =
  | { ok: true; value: unknown; duplicates: string[]; unsupported?: string }
  | { ok: false; error: string };

const CONVERT = 'error converting YAML to JSON: ';
const MAX_DEPTH = 10000;
// Bounds the size of the value tree that aliases may expand to; go-yaml refuses such documents too.
const MAX_EXPANDED_NODES = 2_000_000;
const INF_HINT = /\.(?:inf|Inf|INF|nan|NaN|NAN)\b/;
// go-yaml accepts tab, LF, CR and printable characters only.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BAD_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]/;

/**
 * Parses one document the way sigs.k8s.io/yaml.Unmarshal does; duplicate keys are reported for the
 * caller to apply UnmarshalStrict. Error texts are the part after "error unmarshalling resource: ".
 */
export function parseYamlDocument(text: string): ParseOutcome {
  if (BAD_CONTROL.test(text)) return { ok: false, error: CONVERT + 'yaml: control characters are not allowed' };
  let value: unknown;
  let duplicates: string[];
  const fast = fastParse(text);
  if (fast !== BAIL) {
    value = fast.value;
    duplicates = fast.duplicates;
  } else {
    const full = fullParse(text);
    if ('error' in full) return { ok: false, error: CONVERT + full.error };
    value = full.value;
    duplicates = full.duplicates;
  }
  // go-yaml reports duplicate keys (strict) before the JSON encoder meets ±Inf/NaN.
  const bad = INF_HINT.test(text) ? findUnsupported(value) : undefined;
  if (bad !== undefined) return { ok: true, value, duplicates, unsupported: CONVERT + `json: unsupported value: ${bad}` };
  return { ok: true, value, duplicates };
}

/** The first ±Inf/NaN in Go's encoding order (map keys sorted). */
function findUnsupported(v: unknown): string | undefined {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return '+Inf';
    if (v === -Infinity) return '-Inf';
    return undefined;
  }
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = findUnsupported(x);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o).sort()) {
      const r = findUnsupported(o[k]);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- the module is loaded lazily
type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
function yamlLib(): YamlModule {
  // Loaded lazily: most documents never need the full parser, and it costs ~20 ms to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yamlModule ??= require('yaml') as YamlModule;
  return yamlModule;
}

type YNode = YamlNode | Pair | null | undefined;

/**
 * go-yaml's phrasing and line numbering for the parse errors users meet most often. go-yaml prints
 * the 0-based line of a parser error but the 1-based line of a scanner error.
 */
function goYamlError(code: string, message: string, line: number): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const parser = (m: string) => `yaml: line ${Math.max(line - 1, 1)}: ${m}`;
  const scanner = (m: string) => `yaml: line ${line}: ${m}`;
  if (/^Flow sequence/.test(first) || (code === 'MISSING_CHAR' && /sequence/.test(first))) return parser("did not find expected ',' or ']'");
  if (/^Flow mapping/.test(first) || (code === 'MISSING_CHAR' && /map/.test(first))) return parser("did not find expected ',' or '}'");
  switch (code) {
    case 'BAD_INDENT':
      return parser('did not find expected key');
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY':
      return scanner('mapping values are not allowed in this context');
    default:
      return scanner(first);
  }
}

/**
 * Guards the full parser, whose cost grows with nodes and nesting (a 5M-item flow sequence takes
 * minutes and gigabytes). go-yaml would read such a document; here it is refused with an error.
 */
const MAX_FLOW_NODES = 500_000;
function tooComplex(text: string): string | undefined {
  let depth = 0;
  let nodes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++depth > MAX_DEPTH) return `yaml: exceeded max depth of ${MAX_DEPTH}`;
      nodes++;
    } else if (c === 93 || c === 125) depth--;
    else if (c === 44 && ++nodes > MAX_FLOW_NODES) return `yaml: document has more than ${MAX_FLOW_NODES} flow nodes`;
  }
  return undefined;
}

function fullParse(text: string): { value: unknown; duplicates: string[] } | { error: string } {
  const guard = tooComplex(text);
  if (guard !== undefined) return { error: guard };
  const Y = yamlLib();
  const lc = new Y.LineCounter();
  let doc: Document.Parsed;
  try {
    const docs = Y.parseAllDocuments(text, { version: '1.1', schema: 'failsafe', uniqueKeys: false, lineCounter: lc, strict: false });
    if (!Array.isArray(docs)) return { value: null, duplicates: [] }; // EmptyStream
    if (docs.length === 0) return { value: null, duplicates: [] };
    doc = docs[0]!;
    if (docs.length > 1) {
      // The splitter only cuts at line starts, so a second document here means "--- x" mid-chunk
      // or a "..." marker; go-yaml's Unmarshal reads the first document only.
    }
  } catch (e) {
    if (e instanceof RangeError) return { error: `yaml: exceeded max depth of ${MAX_DEPTH}` };
    return { error: `yaml: ${(e as Error).message}` };
  }
  const err = doc.errors[0];
  if (err !== undefined) {
    if (/Maximum call stack size exceeded/.test(err.message)) return { error: `yaml: exceeded max depth of ${MAX_DEPTH}` };
    return { error: goYamlError(err.code, err.message, err.linePos?.[0].line ?? 1) };
  }
  const duplicates: string[] = [];
  const anchorsInProgress = new Set<unknown>();
  const memo = new Map<unknown, { value: unknown; size: number }>();
  let expanded = 0;
  class ConvertError extends Error {}

  const resolveScalar = (node: Scalar): Resolved => {
    const raw = node.value;
    const s = typeof raw === 'string' ? raw : String(raw);
    const tag = node.tag;
    if (tag === 'tag:yaml.org,2002:str' || tag === '!!str') return { kind: 'string', value: s };
    if (tag === 'tag:yaml.org,2002:binary' || tag === '!!binary') {
      return { kind: 'string', value: Buffer.from(s.replace(/\s+/g, ''), 'base64').toString('latin1') };
    }
    if (node.type === 'PLAIN' || (tag !== undefined && /:(int|float|bool|null)$/.test(tag))) return resolvePlain(s);
    return { kind: 'string', value: s };
  };

  const convert = (node: YNode, depth: number): { value: unknown; size: number } => {
    if (depth > MAX_DEPTH) throw new ConvertError(`yaml: exceeded max depth of ${MAX_DEPTH}`);
    if (node === null || node === undefined) return { value: null, size: 1 };
    if (Y.isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) throw new ConvertError(`yaml: unknown anchor '${node.source}' referenced`);
      if (anchorsInProgress.has(target)) throw new ConvertError(`yaml: anchor '${node.source}' value contains itself`);
      const r = convert(target, depth + 1);
      expanded += r.size;
      if (expanded > MAX_EXPANDED_NODES) throw new ConvertError('yaml: document contains excessive aliasing');
      return r;
    }
    const cached = memo.get(node);
    if (cached !== undefined) return cached;
    anchorsInProgress.add(node);
    let result: { value: unknown; size: number };
    if (Y.isScalar(node)) {
      const r = resolveScalar(node);
      result = { value: r.kind === 'merge' ? r.value : r.value, size: 1 };
    } else if (Y.isMap(node)) {
      const obj: Record<string, unknown> = {};
      const seen = new Set<string>();
      let size = 1;
      for (const pair of node.items) {
        const k = pair.key as YNode;
        if (Y.isScalar(k) && k.type === 'PLAIN' && k.value === '<<' && k.tag === undefined) {
          const m = convert(pair.value as YNode, depth + 1);
          size += m.size;
          const sources = Array.isArray(m.value) ? [...m.value].reverse() : [m.value];
          for (const src of sources) {
            if (src === null || typeof src !== 'object' || Array.isArray(src)) {
              throw new ConvertError('yaml: map merge requires map or sequence of maps as the value');
            }
            for (const [mk, mv] of Object.entries(src as Record<string, unknown>)) setKey(obj, mk, mv);
          }
          continue;
        }
        let key: Resolved;
        if (k === null || k === undefined) key = { kind: 'null', value: null };
        else if (Y.isScalar(k)) key = resolveScalar(k);
        else if (Y.isAlias(k)) {
          const t = k.resolve(doc);
          if (!Y.isScalar(t)) throw new ConvertError('yaml: invalid map key');
          key = resolveScalar(t);
        } else throw new ConvertError('yaml: invalid map key');
        const id = keyIdentity(key);
        if (seen.has(id)) {
          const line = k && 'range' in k && k.range ? lc.linePos(k.range[0]).line : 0;
          duplicates.push(`line ${line}: key ${goSyntax(key)} already set in map`);
        }
        seen.add(id);
        const ks = keyToString(key);
        if (ks === undefined) throw new ConvertError('yaml: unsupported map key of type: <nil>');
        const v = convert(pair.value as YNode, depth + 1);
        size += v.size;
        setKey(obj, ks, v.value);
      }
      result = { value: obj, size };
    } else if (Y.isSeq(node)) {
      const arr: unknown[] = [];
      let size = 1;
      for (const item of node.items) {
        const v = convert(item as YNode, depth + 1);
        size += v.size;
        arr.push(v.value);
      }
      result = { value: arr, size };
    } else {
      result = { value: null, size: 1 };
    }
    anchorsInProgress.delete(node);
    if ((node as { anchor?: string }).anchor) memo.set(node, result);
    return result;
  };

  try {
    return { value: convert(doc.contents as YNode, 0).value, duplicates };
  } catch (e) {
    if (e instanceof ConvertError) return { error: e.message };
    if (e instanceof RangeError) return { error: `yaml: exceeded max depth of ${MAX_DEPTH}` };
    throw e;
  }
}
