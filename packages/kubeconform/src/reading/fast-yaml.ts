/**
 * A fast reader for the plain block-style YAML that generators and humans write for Kubernetes
 * (indented mappings and sequences, plain / quoted one-line scalars, `|` literal blocks, comments).
 * Anything outside that subset returns BAIL and the caller falls back to the full `yaml` package,
 * so this only has to be right on what it accepts. It exists because the full parser costs ~150 µs
 * per small manifest, which dominates bulk validation.
 */
import { keyIdentity, keyToString, goSyntax, resolvePlain, resolveValue, setKey } from './yaml11';
import type { Resolved } from './yaml11';

export const BAIL: unique symbol = Symbol('bail');

export interface FastResult {
  value: unknown;
  /** go-yaml strict-mode messages (`line N: key "a" already set in map`). */
  duplicates: string[];
}

class Bail extends Error {}
const bail = new Bail('bail');

interface Line {
  indent: number;
  text: string; // content after the indentation, comment-only lines already removed
  no: number; // 1-based line number within the document
  start: number; // offset of the line in the document
  end: number; // offset of its line feed (or of the end of the document)
}

// Characters that may not start a plain scalar we handle (flow, anchors, tags, block scalars, ...).
const BAD_START = /^[[\]{}#&*!|>%@`,]|^[?:-](?:\s|$)/;

function stripComment(s: string): string {
  const i = s.indexOf(' #');
  return (i >= 0 ? s.slice(0, i) : s).trimEnd();
}

class FastParser {
  private pos = 0;
  readonly duplicates: string[] = [];
  constructor(private readonly lines: Line[]) {}

  parseDocument(): unknown {
    if (this.lines.length === 0) return null;
    const v = this.parseNode(-1);
    if (this.pos < this.lines.length) throw bail;
    return v;
  }

  private parseNode(parentIndent: number): unknown {
    const line = this.lines[this.pos]!;
    if (line.text === '-' || line.text.startsWith('- ')) return this.parseSeq(line.indent);
    if (line.text.indexOf(':') >= 0 && splitKey(line.text) !== undefined) return this.parseMap(line.indent);
    // A lone scalar document, or a value on the line below its key.
    if (line.text[0] === '|') throw bail;
    this.pos++;
    const v = scalar(line.text);
    const next = this.lines[this.pos];
    if (next !== undefined && next.indent > parentIndent) throw bail; // multi-line plain scalar
    return v;
  }

  private parseMap(indent: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    // Kinds of the keys that were not strings: keys that collide only after conversion to JSON
    // (1 and "1") are not go-yaml duplicates.
    let kinds: Map<string, string> | undefined;
    const lines = this.lines;
    while (this.pos < lines.length) {
      const line = lines[this.pos]!;
      if (line.indent < indent) break;
      if (line.indent > indent) throw bail;
      const kv = splitKey(line.text);
      if (kv === undefined) throw bail;
      const [key, rest] = kv;
      if (key.kind === 'merge' || key.kind === 'null' || key.kind === 'uint') throw bail;
      const ks = keyToString(key)!;
      if (Object.prototype.hasOwnProperty.call(obj, ks)) {
        if ((kinds?.get(ks) ?? 'string') === key.kind) {
          this.duplicates.push(`line ${line.no}: key ${goSyntax(key)} already set in map`);
        }
      }
      if (key.kind !== 'string') (kinds ??= new Map()).set(ks, key.kind);
      else kinds?.delete(ks);
      this.pos++;
      setKey(obj, ks, this.parseValue(rest, indent, true));
    }
    return obj;
  }

  private parseSeq(indent: number): unknown[] {
    const arr: unknown[] = [];
    const lines = this.lines;
    while (this.pos < lines.length) {
      const line = lines[this.pos]!;
      if (line.indent < indent) break;
      if (line.indent > indent) throw bail;
      const t = line.text;
      if (t === '-') {
        this.pos++;
        arr.push(this.parseValue('', indent, false));
        continue;
      }
      if (!t.startsWith('- ')) break;
      let off = 2;
      while (t.charCodeAt(off) === 32) off++;
      const inner = t.slice(off);
      if (inner.startsWith('#')) {
        this.pos++;
        arr.push(this.parseValue('', indent, false));
        continue;
      }
      if (inner === '-' || inner.startsWith('- ')) throw bail;
      if (splitKey(inner) !== undefined) {
        // Compact mapping: re-read this line as a mapping indented at the item's content column.
        lines[this.pos] = { indent: indent + off, text: inner, no: line.no, start: line.start, end: line.end };
        arr.push(this.parseMap(indent + off));
        continue;
      }
      this.pos++;
      arr.push(this.inlineValue(inner, indent));
    }
    return arr;
  }

  /** The value after `key:` or `-`; `rest` is what followed on the same line. */
  private parseValue(rest: string, indent: number, inMap: boolean): unknown {
    if (rest === '') {
      const next = this.lines[this.pos];
      if (next === undefined) return null;
      if (next.indent > indent) return this.parseNode(indent);
      if (inMap && next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) {
        return this.parseSeq(indent);
      }
      return null;
    }
    return this.inlineValue(rest, indent);
  }

  private inlineValue(rest: string, indent: number): unknown {
    const c = rest[0];
    if (c === '|') return this.literalBlock(rest, indent);
    const v = scalar(rest);
    const next = this.lines[this.pos];
    if (next !== undefined && next.indent > indent) throw bail; // continuation lines
    return v;
  }

  private literalBlock(header: string, indent: number): string {
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    const h = stripComment(header);
    if (h === '|-') chomp = 'strip';
    else if (h === '|+') chomp = 'keep';
    else if (h !== '|') throw bail;
    // Block content was captured raw (including blank lines) by the line splitter.
    const raw = this.rawBlocks?.(this.pos, indent);
    if (raw === undefined) throw bail;
    let body = raw.text;
    this.pos = raw.nextPos;
    if (chomp === 'strip') body = body.replace(/\n+$/, '');
    else if (chomp === 'clip') body = body.replace(/\n+$/, '') + (body.length > 0 ? '\n' : '');
    return body;
  }

  rawBlocks?: (pos: number, indent: number) => { text: string; nextPos: number } | undefined;
}

function scalar(text: string): unknown {
  const c = text[0];
  if (c === '"') return doubleQuoted(text);
  if (c === "'") return singleQuoted(text);
  if (c === '[' || c === '{') return flowLine(text);
  if (BAD_START.test(text)) throw bail;
  const s = text.indexOf(' #') >= 0 ? stripComment(text) : text;
  if (s.indexOf(': ') >= 0 || s.charCodeAt(s.length - 1) === 58 /* : */) throw bail;
  return resolveValue(s);
}

/** A flow collection that fits on one line, e.g. `["--port", "8080"]` or `{app: web}`. */
function flowLine(text: string): unknown {
  const f = new FlowReader(text);
  const v = f.node();
  f.ws();
  if (f.i < text.length && text[f.i] !== '#') throw bail;
  if (f.i < text.length && text[f.i - 1] !== ' ') throw bail;
  return v;
}

class FlowReader {
  i = 0;
  private depth = 0;
  private items = 0;
  constructor(private readonly t: string) {}
  ws(): void {
    while (this.t.charCodeAt(this.i) === 32) this.i++;
  }
  node(): unknown {
    // Huge or deep flow collections go to the guarded full parser.
    if (++this.items > 10_000) throw bail;
    this.ws();
    const c = this.t[this.i];
    if ((c === '[' || c === '{') && ++this.depth > 64) throw bail;
    if (c === '[') {
      this.i++;
      const arr: unknown[] = [];
      this.ws();
      if (this.t[this.i] === ']') {
        this.i++;
        return arr;
      }
      for (;;) {
        arr.push(this.node());
        this.ws();
        const d = this.t[this.i++];
        if (d === ']') return arr;
        if (d !== ',') throw bail;
        this.ws();
        if (this.t[this.i] === ']') {
          this.i++;
          return arr;
        }
      }
    }
    if (c === '{') {
      this.i++;
      const obj: Record<string, unknown> = {};
      const seen = new Set<string>();
      this.ws();
      if (this.t[this.i] === '}') {
        this.i++;
        return obj;
      }
      for (;;) {
        const k = this.scalar(true);
        if (k.kind === 'merge' || k.kind === 'null' || k.kind === 'uint') throw bail;
        if (this.t[this.i] !== ':') throw bail;
        this.i++;
        const id = keyIdentity(k);
        if (seen.has(id)) throw bail; // let the full parser report the line
        seen.add(id);
        this.ws();
        const v = this.t[this.i] === ',' || this.t[this.i] === '}' ? null : this.node();
        setKey(obj, keyToString(k)!, v);
        this.ws();
        const d = this.t[this.i++];
        if (d === '}') return obj;
        if (d !== ',') throw bail;
        this.ws();
        if (this.t[this.i] === '}') {
          this.i++;
          return obj;
        }
      }
    }
    const r = this.scalar(false);
    return r.kind === 'merge' ? '<<' : r.value;
  }
  scalar(isKey: boolean): Resolved {
    const t = this.t;
    const c = t[this.i];
    if (c === '"' || c === "'") {
      let j = this.i + 1;
      if (c === "'") {
        for (;;) {
          j = t.indexOf("'", j);
          if (j < 0) throw bail;
          if (t[j + 1] === "'") j += 2;
          else break;
        }
      } else {
        while (j < t.length && t[j] !== '"') j += t[j] === '\\' ? 2 : 1;
        if (j >= t.length) throw bail;
      }
      const raw = t.slice(this.i, j + 1);
      this.i = j + 1;
      this.ws();
      return { kind: 'string', value: c === '"' ? doubleQuoted(raw) : singleQuoted(raw) };
    }
    let j = this.i;
    while (j < t.length) {
      const ch = t[j]!;
      if (ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}' || ch === '#') break;
      if (ch === ':' && (isKey || t[j + 1] === ' ' || t[j + 1] === ',' || t[j + 1] === undefined)) break;
      j++;
    }
    const s = t.slice(this.i, j).trim();
    if (s === '' || /^[&*!|>%@`?'"-](?:\s|$)|^[&*!|>%@`?]/.test(s)) throw bail;
    this.i = j;
    return resolvePlain(s);
  }
}

function afterQuoted(text: string, end: number): void {
  const tail = text.slice(end);
  if (tail.trim() !== '' && !/^\s+#/.test(tail)) throw bail;
}

function singleQuoted(text: string): string {
  let out = '';
  let i = 1;
  for (;;) {
    const j = text.indexOf("'", i);
    if (j < 0) throw bail;
    out += text.slice(i, j);
    if (text[j + 1] === "'") {
      out += "'";
      i = j + 2;
      continue;
    }
    afterQuoted(text, j + 1);
    return out;
  }
}

const ESC: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};

function doubleQuoted(text: string): string {
  let out = '';
  let i = 1;
  for (;;) {
    let j = i;
    while (j < text.length && text[j] !== '"' && text[j] !== '\\') j++;
    if (j >= text.length) throw bail;
    out += text.slice(i, j);
    if (text[j] === '"') {
      afterQuoted(text, j + 1);
      return out;
    }
    const e = text[j + 1];
    if (e === undefined) throw bail;
    if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = text.slice(j + 2, j + 2 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw bail;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw bail;
      out += String.fromCodePoint(cp);
      i = j + 2 + len;
      continue;
    }
    const r = ESC[e];
    if (r === undefined) throw bail;
    out += r;
    i = j + 2;
  }
}

/** Splits `key: rest`; undefined when the text is not a mapping entry we handle. */
function splitKey(text: string): [Resolved, string] | undefined {
  const c = text[0];
  let key: Resolved;
  let end: number;
  if (c === '"' || c === "'") {
    const q = c;
    let j = 1;
    if (q === "'") {
      for (;;) {
        j = text.indexOf("'", j);
        if (j < 0) return undefined;
        if (text[j + 1] === "'") j += 2;
        else break;
      }
    } else {
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return undefined;
    }
    if (text[j + 1] !== ':') return undefined;
    const raw = text.slice(0, j + 1);
    let value: string;
    try {
      value = q === '"' ? doubleQuoted(raw) : singleQuoted(raw);
    } catch {
      throw bail;
    }
    key = { kind: 'string', value };
    end = j + 1;
  } else {
    if (c === '?' || c === '-' || c === '[' || c === '{' || c === '&' || c === '*' || c === '!' || c === '|' || c === '>' || c === '#' || c === '%' || c === '@' || c === '`') {
      if (c === '-' && text[1] !== ' ' && text[1] !== undefined) {
        // "-foo: bar" is a plain key
      } else {
        return undefined;
      }
    }
    let j = text.indexOf(':');
    for (;;) {
      if (j < 0) return undefined;
      const n = text.charCodeAt(j + 1);
      if (Number.isNaN(n) || n === 32) break;
      j = text.indexOf(':', j + 1);
    }
    if (j > 0 && text.lastIndexOf(' #', j) >= 0) return undefined;
    let ke = j;
    while (ke > 0 && text.charCodeAt(ke - 1) === 32) ke--;
    key = resolvePlain(text.slice(0, ke));
    end = j;
  }
  // A key over libyaml's 1,024-character limit is an error there: the full parser reports it.
  if (end > 1024) return undefined;
  // text[end] === ':'; the line text is already right-trimmed.
  let r = end + 1;
  if (r >= text.length) return [key, ''];
  if (text.charCodeAt(r) !== 32) return undefined;
  while (text.charCodeAt(r) === 32) r++;
  return [key, text.charCodeAt(r) === 35 /* # */ ? '' : text.slice(r)];
}


/**
 * Parses one document (already split on `---`). Returns BAIL when the text uses YAML the fast path
 * does not implement; the caller must then use the full parser.
 */
export function fastParse(src: string): FastResult | typeof BAIL {
  const lines: Line[] = [];
  let start = 0;
  const n = src.length;
  let no = 0;
  let sawContent = false;
  // Control characters were refused by the caller; tabs are outside the fast path's subset.
  if (src.indexOf('\t') >= 0) return BAIL;
  while (start < n) {
    let end = src.indexOf('\n', start);
    if (end < 0) end = n;
    const lineStart = start;
    const lf = end;
    start = end + 1;
    no++;
    if (end > lineStart && src.charCodeAt(end - 1) === 13) end--;
    let i = lineStart;
    while (i < end && src.charCodeAt(i) === 32) i++;
    if (i === end) continue;
    const c0 = src.charCodeAt(i);
    if (c0 === 35 /* # */) continue;
    let e = end;
    while (e > i && src.charCodeAt(e - 1) === 32) e--;
    const t = src.slice(i, e);
    const indent = i - lineStart;
    if (indent === 0 && (c0 === 45 || c0 === 46 || c0 === 37) && (t.startsWith('---') || t.startsWith('...') || t.startsWith('%'))) {
      if (sawContent || !(t === '---' || t.startsWith('--- #'))) return BAIL;
      continue;
    }
    sawContent = true;
    lines.push({ indent, text: t, no, start: lineStart, end: lf });
  }
  if (lines.length > 0 && lines[0]!.text.charCodeAt(0) === 0xfeff) return BAIL;
  const p = new FastParser(lines);
  p.rawBlocks = (pos, parentIndent) => {
    // Block lines are re-read from the source after the header line: blank lines and indentation
    // matter there, and comment-looking lines are content.
    let r = pos > 0 ? lines[pos - 1]!.end + 1 : 0;
    let blockIndent = -1;
    const out: string[] = [];
    while (r < n) {
      let end = src.indexOf('\n', r);
      if (end < 0) end = n;
      let e = end;
      if (e > r && src.charCodeAt(e - 1) === 13) e--;
      let i = r;
      while (i < e && src.charCodeAt(i) === 32) i++;
      if (i === e) {
        if (blockIndent >= 0 && e - r > blockIndent) return undefined;
        out.push('');
        r = end + 1;
        continue;
      }
      const ind = i - r;
      if (blockIndent < 0) {
        if (ind <= parentIndent) break;
        blockIndent = ind;
      }
      if (ind < blockIndent) break;
      out.push(src.slice(r + blockIndent, e));
      r = end + 1;
    }
    let nextPos = pos;
    while (nextPos < lines.length && lines[nextPos]!.start < r) nextPos++;
    const text = out.length === 0 ? '' : out.join('\n') + '\n';
    return { text, nextPos };
  };
  try {
    const value = p.parseDocument();
    return { value, duplicates: p.duplicates };
  } catch (e) {
    if (e instanceof Bail) return BAIL;
    throw e;
  }
}
