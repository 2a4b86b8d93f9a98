import { Document, visit } from 'yaml';
import { byCodeUnit } from '../util/compare';

/**
 * Canonical output: keys sorted by code unit at every level, sequences in their given order, two-space indent,
 * no line folding, and `---` before every document. Every string that a YAML 1.1 reader (kubectl, Argo CD,
 * kubeconform, via go-yaml v2) or a YAML 1.2 reader could take for another type is double-quoted.
 */
export function toCanonicalYaml(objects: readonly unknown[]): string {
  return objects.map((o) => `---\n${stringifyDocument(o)}`).join('');
}

export function stringifyDocument(value: unknown): string {
  const doc = new Document(sortKeys(value), { version: '1.1' });
  // Strings the `yaml` library would write with raw characters that a YAML 1.1 reader takes for a line break or
  // rejects: they are written by `escapedDoubleQuoted` instead, through a placeholder no string of the document holds.
  const escaped: string[] = [];
  const marker = placeholderMarker(doc);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (UNSAFE_RAW.test(node.value)) {
        node.value = `${marker}${escaped.push(node.value) - 1}z`;
        node.type = 'PLAIN';
      } else if (node.value.includes('\n') && isBlockLiteralSafe(node.value)) {
        // A block literal is always a string, and keeps multi-line content (scripts, config files) readable.
        node.type = 'BLOCK_LITERAL';
      } else if (node.value.includes('\n') || isAmbiguous(node.value)) {
        node.type = 'QUOTE_DOUBLE';
        // YAML 1.1's merge tag claims `<<` and writes it plain, whatever the type: only an explicit tag keeps it a string.
        if (node.value === '<<') node.tag = 'tag:yaml.org,2002:str';
      }
    },
  });
  const text = doc.toString({ lineWidth: 0, indent: 2, indentSeq: true });
  if (escaped.length === 0) return text;
  return text.replace(new RegExp(`${marker}(\\d+)z`, 'g'), (_m, i: string) => escapedDoubleQuoted(escaped[Number(i)]!));
}

/**
 * Characters that must never be written raw: YAML 1.1 line breaks (NEL, LS, PS, CR), C0 controls but tab and LF,
 * DEL, C1 controls, the byte order mark, the non-characters U+FFFE/U+FFFF and lone surrogates. libyaml (and
 * go-yaml v2, kubectl, Argo CD) would break a line at them or reject the stream.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A block literal keeps its content exactly only when no line is made of blanks alone (a reader may take such a
 * line for indentation and drop it) and no line ends with a blank (easy to lose in editors and diffs).
 */
function isBlockLiteralSafe(value: string): boolean {
  return !/(^|\n)[ \t]+(\n|$)|[ \t]\n|[ \t]$/.test(value);
}

/** The double-quoted form, with escapes both YAML 1.1 and 1.2 know; printable characters stay as they are. */
export function escapedDoubleQuoted(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\x${hex(code, 2)}`;
    else if (UNSAFE_RAW.test(ch)) out += `\\u${hex(code, 4)}`;
    else out += ch;
  }
  return `${out}"`;
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

/** A prefix that occurs in no string of the document, so that replacing placeholders cannot touch user content. */
function placeholderMarker(doc: Document): string {
  const strings: string[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') strings.push(node.value);
    },
  });
  const all = strings.join('\n');
  let n = 0;
  while (all.includes(`scorenxescaped${n}x`)) n++;
  return `scorenxescaped${n}x`;
}

/** Strings a YAML 1.1 or 1.2 reader may resolve to a non-string, or that are easy to misread. */
const NUMBER_LIKE = /^(?:[-+]?[.\d]|[~=<])/;
const KEYWORD_LIKE = /^(?:y|n|yes|no|on|off|true|false|null)$/i;

function isAmbiguous(value: string): boolean {
  return value === '' || NUMBER_LIKE.test(value) || KEYWORD_LIKE.test(value);
}

/** A deep copy with map keys in code-unit order, so that output never depends on input key order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    // fromEntries defines properties: a user key `__proto__` stays a key instead of replacing the prototype.
    return Object.fromEntries(
      Object.keys(value)
        .sort(byCodeUnit)
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
