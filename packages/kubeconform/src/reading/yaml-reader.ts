/**
 * Splitting and decoding of YAML streams as kubeconform does it: k8s' splitYAMLDocument on
 * "\n---", then each chunk through go-yaml v2 (YAML 1.1) and a JSON round trip into a map.
 */
import { isUtf8 } from 'node:buffer';
import * as path from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { BAIL, fastParse } from './fast-yaml';
import { goFormatFloatG, goSyntax, keyIdentity, keyToString, resolvePlain, setKey } from './yaml11';
import type { Resolved } from './yaml11';
import type { Document, Node as YamlNode, Pair, Scalar } from 'yaml';

export interface Chunk {
  /** Decoded text, or undefined when the bytes are not valid UTF-8. */
  text: string | undefined;
  byteLength: number;
  /** libyaml's reason when `text` is undefined. */
  encodingError?: string;
}

/** libyaml's check of UTF-8 input, with its three reasons. */
export function goUtf8Error(b: Uint8Array): string {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const width = c < 0x80 ? 1 : (c & 0xe0) === 0xc0 ? 2 : (c & 0xf0) === 0xe0 ? 3 : (c & 0xf8) === 0xf0 ? 4 : 0;
    if (width === 0) return 'invalid leading UTF-8 octet';
    if (i + width > b.length) return 'incomplete UTF-8 octet sequence';
    for (let k = 1; k < width; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 'invalid trailing UTF-8 octet';
    i += width;
  }
  return 'invalid leading UTF-8 octet';
}

const SEP = Buffer.from('\n---');

/** go-yaml reads UTF-16 when the input starts with its byte order mark (the splitter never cuts such input). */
function decodeUtf16(b: Buffer): string | undefined {
  if (b.length < 2 || b.length % 2 !== 0) return undefined;
  if (b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b[0] === 0xfe && b[1] === 0xff) {
    const le = Buffer.from(b.subarray(2));
    le.swap16();
    return le.toString('utf16le');
  }
  return undefined;
}

/**
 * go-yaml's error for `%` directives not followed by a `---` document start. The splitter cuts at
 * every `---` line, so a directive always ends up alone in its chunk, as in kubeconform.
 */
function directiveError(text: string): string | undefined {
  if (text.charCodeAt(0) !== 37 && text.indexOf('\n%') < 0) return undefined;
  const lines = text.split('\n');
  let i = 0;
  let sawDirective = false;
  for (; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('%')) sawDirective = true;
    else if (!/^[ \t\r]*(?:#.*)?$/.test(l)) break;
  }
  if (!sawDirective || (i < lines.length && /^---(?:[ \t\r]|$)/.test(lines[i]!))) return undefined;
  // A parser error names the 0-based line of the offending token; at the end of the stream that is
  // the line after the last one (libyaml ends the last line first).
  const line = i < lines.length ? i : text.endsWith('\n') ? lines.length - 1 : lines.length;
  return line === 0 ? 'yaml: did not find expected <document start>' : `yaml: line ${line}: did not find expected <document start>`;
}

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
    const text = isUtf8(sub) ? sub.toString('utf8') : decodeUtf16(sub);
    out.push(text !== undefined ? { text, byteLength: e - s } : { text, byteLength: e - s, encodingError: goUtf8Error(sub) });
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
  const directive = directiveError(text);
  if (directive !== undefined) return { ok: false, error: CONVERT + directive };
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
    if (text.length > 2 * 9000) {
      const deep = jsonDepthError(value);
      if (deep !== undefined) return { ok: false, error: deep };
    }
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
function goYamlError(code: string, message: string, line: number, text: string, offset: number): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const parser = (m: string) => `yaml: line ${Math.max(line - 1, 1)}: ${m}`;
  const scanner = (m: string) => `yaml: line ${line}: ${m}`;
  if (/^Flow sequence/.test(first) || (code === 'MISSING_CHAR' && /sequence/.test(first))) return parser("did not find expected ',' or ']'");
  if (/^Flow map/.test(first) || (code === 'MISSING_CHAR' && /map items/.test(first))) return parser("did not find expected ',' or '}'");
  // An unclosed quote runs to the end of the stream, where libyaml reports it (scanner lines are 1-based).
  if (/^Missing closing ["']quote/.test(first)) return `yaml: line ${lineAt(text, text.length)}: found unexpected end of stream`;
  if (code === 'TAB_AS_INDENT') return scanner('found character that cannot start any token');
  // A key without its ':' goes stale at the next line, where libyaml reports it.
  if (/^Implicit map keys need to be followed by map values/.test(first)) return `yaml: line ${line + 1}: could not find expected ':'`;
  if (/^A block sequence may not be used as an implicit map key/.test(first)) return parser('did not find expected key');
  switch (code) {
    case 'BAD_INDENT':
      return parser('did not find expected key');
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY': {
      // libyaml fails at the ':' that has no place, which may be on the next line.
      const colon = /:(?=[ \n\r]|$)/g;
      colon.lastIndex = offset;
      const m = colon.exec(text);
      return `yaml: line ${m === null ? line : lineAt(text, m.index)}: mapping values are not allowed in this context`;
    }
    default:
      return scanner(first);
  }
}

/**
 * Guards the full parser, whose cost grows with nodes and nesting (a 5M-item flow sequence takes
 * minutes and gigabytes). go-yaml would read such a document; here it is refused with an error.
 */
const MAX_FLOW_NODES = 500_000;
function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
function flowShape(text: string): { error?: string; maxDepth: number } {
  let depth = 0;
  let maxDepth = 0;
  let nodes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      // go-yaml's scanner error names the (1-based) line of the bracket that went too deep.
      // go-yaml omits the line when it is the first one (its 0-based mark is 0).
      if (++depth > MAX_DEPTH) {
        const line = lineAt(text, i);
        return { error: `yaml: ${line > 1 ? `line ${line}: ` : ''}exceeded max depth of ${MAX_DEPTH}`, maxDepth: depth };
      }
      if (depth > maxDepth) maxDepth = depth;
      nodes++;
    } else if (c === 93 || c === 125) depth--;
    else if (c === 44 && ++nodes > MAX_FLOW_NODES) return { error: `yaml: document has more than ${MAX_FLOW_NODES} flow nodes`, maxDepth };
  }
  return { maxDepth };
}

/**
 * Flow nesting the `yaml` package cannot parse on the default stack (it recurses per level; a few
 * hundred levels are safe). go-yaml accepts up to 10,000, so such a rare document is parsed on a
 * short-lived thread with a large stack, waited for synchronously.
 */
const DEEP_FLOW = 300;
const BIG_STACK_MB = 64;
// Compiled, this module is dist/reading/yaml-reader.js; in the CLI's esbuild bundle it is the entry bundle/yaml-reader.js
// beside bundle/main.js (see packages/cli/scripts/bundle.mjs).
const deepParseFile = __filename.endsWith('.ts') ? path.resolve(__dirname, '../../dist/reading/yaml-reader.js') : path.join(__dirname, 'yaml-reader.js');

type FullParse = { value: unknown; duplicates: string[] } | { error: string };

function fullParseOnBigStack(text: string): FullParse {
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { workerData: d } = require('node:worker_threads');
let out;
try { out = require(d.file).fullParseToJson(d.text); } catch (e) { out = JSON.stringify({ error: 'yaml: ' + e.message }); }
d.port.postMessage(out);
Atomics.store(d.done, 0, 1);
Atomics.notify(d.done, 0);`,
    { eval: true, workerData: { file: deepParseFile, text, port: port2, done }, transferList: [port2], resourceLimits: { stackSizeMb: BIG_STACK_MB } },
  );
  try {
    Atomics.wait(done, 0, 0);
    const m = receiveMessageOnPort(port1);
    // V8's JSON.parse is iterative, so the deep value is rebuilt here without a deep stack.
    return m === undefined ? { error: `yaml: exceeded max depth of ${MAX_DEPTH}` } : (JSON.parse(m.message as string) as FullParse);
  } finally {
    void worker.terminate();
    port1.close();
  }
}

/** libyaml's limit on the length of an implicit key. */
const MAX_SIMPLE_KEY = 1024;

/** Go's %+#v of a decoded value, as sigs.k8s.io/yaml prints the value of an unsupported key. */
function goValueSyntax(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? String(v) : goFormatFloatG(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goValueSyntax).join(', ')}}`;
  return `map[interface {}]interface {}{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${JSON.stringify(k)}:${goValueSyntax(x)}`)
    .join(', ')}}`;
}

/** Entry of the big-stack thread: the full parse as JSON text. */
export function fullParseToJson(text: string): string {
  return JSON.stringify(fullParse(text, true));
}

/**
 * Go's encoding/json refuses nesting deeper than 10,000 (the document itself is level 1); the
 * first container past it, in the sorted-key order of the JSON that sigs.k8s.io/yaml wrote, is named.
 */
function jsonDepthError(value: unknown): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > MAX_DEPTH) return `error unmarshaling JSON: while decoding JSON: invalid character '${Array.isArray(v) ? '[' : '{'}' exceeded max depth`;
    const children = Array.isArray(v) ? v : Object.keys(v).sort().map((k) => (v as Record<string, unknown>)[k]);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], d + 1]);
  }
  return undefined;
}

function fullParse(text: string, onBigStack = false): FullParse {
  const shape = flowShape(text);
  if (shape.error !== undefined) return { error: shape.error };
  if (shape.maxDepth > DEEP_FLOW && !onBigStack) return fullParseOnBigStack(text);
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
  // go-yaml's Unmarshal stops after the first document's root node: text after a flow root (two
  // JSON objects on two lines) is never parsed.
  const root = doc.contents as { flow?: boolean; range?: [number, number, number] } | null;
  const rootEnd = root?.flow === true && root.range ? root.range[1] : Infinity;
  const err = doc.errors.find((e) => e.pos[0] < rootEnd);
  if (err !== undefined) {
    if (/Maximum call stack size exceeded/.test(err.message)) return { error: `yaml: exceeded max depth of ${MAX_DEPTH}` };
    return { error: goYamlError(err.code, err.message, err.linePos?.[0].line ?? 1, text, err.pos[0]) };
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
    // Flow nesting was bounded by flowShape; go-yaml bounds block nesting separately (also 10,000).
    if (depth > 2 * MAX_DEPTH + 2) throw new ConvertError(`yaml: exceeded max depth of ${MAX_DEPTH}`);
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
            for (const [mk, mv] of Object.entries(src as Record<string, unknown>)) {
              setKey(obj, mk, mv);
              seen.add(keyIdentity({ kind: 'string', value: mk }));
            }
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
        if (ks === undefined && key.kind === 'uint') {
          const bad = convert(pair.value as YNode, depth + 1).value;
          throw new ConvertError(`unsupported map key of type: uint64, key: 0x${key.hex}, value: ${goValueSyntax(bad)}`);
        }
        if (ks === undefined) throw new ConvertError('yaml: unsupported map key of type: <nil>');
        if (k !== null && k !== undefined && !node.flow && 'range' in k && k.range && k.range[1] - k.range[0] > MAX_SIMPLE_KEY) {
          // libyaml forgets a possible simple key after 1,024 characters; the ':' then has no key.
          throw new ConvertError(`yaml: line ${lc.linePos(k.range[0]).line}: mapping values are not allowed in this context`);
        }
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
