import { posix } from 'node:path';
import nunjucks from 'nunjucks';
import { encodeSecretRef } from '../convert/secrets';
import { stringifyDocument } from '../output/canonical-yaml';
import { sha256Hex } from '../util/hash';
import { dnsLabel, dnsSubdomain } from './names';
import { registerTemplateHelpers } from './template-helpers';
import { withTemplateHooks } from './template-hooks';

/**
 * Provisioner templates render YAML, and every `{{ expression }}` is emitted as ONE complete YAML scalar:
 * strings double-quoted with every line break and control character escaped, numbers and booleans plain,
 * maps and lists as JSON flow collections. A value from a Score file can therefore never add a key, an object
 * or a document, whatever it contains. Template authors write `name: {{ workload.name ~ "-active" }}` rather
 * than `name: {{ workload.name }}-active`; the filters that would let raw text through are removed.
 *
 * Nunjucks has no hook for this: template-hooks.ts patches its runtime for the duration of a render, and the
 * environment's `autoescape` option is the marker below (so that filters keep nunjucks's escaping-aware behaviour).
 */
const YAML_ESCAPE = 'score-nx-yaml-scalar';

const SafeString = (nunjucks as unknown as { runtime: { SafeString: new (s: string) => { toString(): string } } }).runtime.SafeString;

/**
 * What `tojson` returns: JSON text emitted as-is. Not a nunjucks SafeString on purpose: string filters
 * (`replace`, `truncate`, `indent`...) keep a SafeString raw, but turn this into a plain string, which is then
 * quoted like any other value. So no filter chain can splice raw text into the document.
 */
class FlowYaml {
  constructor(readonly json: string) {}
  toString(): string {
    return this.json;
  }
}

/** Characters YAML does not allow raw, or reads as line breaks (YAML 1.1 treats U+2028/2029/0085 as such). */
const UNSAFE_CHARS = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udfff]/g;

/** Printable text with no line break, tab or character of UNSAFE_CHARS: single-quoted YAML holds it as it is. */
// eslint-disable-next-line no-control-regex -- the control characters are what the pattern is about
const SINGLE_QUOTABLE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]*$/;
/**
 * Above this length a plain one-line string is written single-quoted: the yaml library reads a double-quoted
 * scalar character by character into a string of a million pieces (about 200 bytes of memory per byte of a
 * 1 MB configData value), a single-quoted one with two regular expressions. Shorter strings keep the JSON form.
 */
const SINGLE_QUOTE_FROM = 1024;

export function yamlQuote(text: string): string {
  if (text.length >= SINGLE_QUOTE_FROM && SINGLE_QUOTABLE.test(text)) return `'${text.replaceAll("'", "''")}'`;
  return JSON.stringify(text).replace(UNSAFE_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function yamlScalar(val: unknown): string {
  if (val instanceof FlowYaml) return val.json;
  if (val instanceof SafeString) return val.toString();
  if (val === null || val === undefined) return 'null';
  if (typeof val === 'string') return yamlQuote(val);
  if (typeof val === 'number') {
    if (!Number.isFinite(val)) throw new Error(`cannot output the number ${val}`);
    return String(val);
  }
  if (typeof val === 'boolean') return String(val);
  if (typeof val === 'bigint') return val.toString();
  return toFlow(val);
}

function toFlow(value: unknown): string {
  const json = JSON.stringify(value, (_k, v: unknown) => (v instanceof SafeString || v instanceof FlowYaml ? v.toString() : v));
  if (json === undefined) return 'null';
  return json.replace(UNSAFE_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Templates of one provisioner, by file name; nothing else can be included or imported. */
class MemoryLoader extends nunjucks.Loader {
  constructor(private readonly templates: ReadonlyMap<string, string>) {
    super();
  }
  getSource(name: string) {
    const src = this.templates.get(name);
    if (src === undefined) throw new Error(name.startsWith('_shared/') ? `template '${name}' is not in the library's _shared/ folder` : `template '${name}' is not part of this provisioner`);
    return { src, path: name, noCache: false };
  }
  /** `./x.njk` and `../x.njk` relative to the including template, without reference to the process's folder. */
  override resolve(from: string, to: string): string {
    return posix.join(posix.dirname(from), to);
  }
}

function refuse(name: string) {
  return () => {
    throw new Error(`the '${name}' filter is not available in provisioner templates: values are always emitted as YAML scalars`);
  };
}

/** The templates of one provisioner, compiled once (nunjucks caches each compiled template in its environment). */
export interface TemplateEnvironment {
  render(file: string, context: object): string;
}

export function createTemplateEnvironment(templates: ReadonlyMap<string, string>): TemplateEnvironment {
  const env = new nunjucks.Environment(new MemoryLoader(templates), {
    autoescape: YAML_ESCAPE as unknown as boolean,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  for (const name of ['safe', 'escape', 'e', 'forceescape', 'urlize']) env.addFilter(name, refuse(name));
  env.addFilter('tojson', (value: unknown) => new FlowYaml(toFlow(value)));
  env.addFilter('toyaml', (value: unknown) => stringifyDocument(value));
  env.addFilter('sha256', (value: unknown) => sha256Hex(typeof value === 'string' ? value : toFlow(value)));
  env.addFilter('b64encode', (value: unknown) => Buffer.from(String(value), 'utf8').toString('base64'));
  env.addFilter('dnslabel', (value: unknown, max?: number) => dnsLabel([String(value)], max));
  env.addGlobal('dnsLabel', (...parts: unknown[]) => dnsLabel(parts.map(String)));
  env.addGlobal('dnsLabelMax', (max: number, ...parts: unknown[]) => dnsLabel(parts.map(String), max));
  env.addGlobal('dnsSubdomain', (...parts: unknown[]) => dnsSubdomain(parts.map(String)));
  // Lets a template refuse input its params schema cannot express (e.g. maxReplicas below minReplicas).
  env.addGlobal('fail', (message: unknown) => {
    throw new Error(String(message));
  });
  env.addGlobal('encodeSecretRef', (name: string, key: string) => encodeSecretRef(name, key));
  env.addGlobal('merge', (...maps: Array<Record<string, unknown> | undefined>) => Object.assign({}, ...maps.filter(Boolean)));
  env.addFilter('merge', (base: Record<string, unknown>, ...maps: Array<Record<string, unknown> | undefined>) => Object.assign({}, base, ...maps.filter(Boolean)));
  registerTemplateHelpers(env);
  return { render: (file, context) => withTemplateHooks(yamlScalar, () => env.render(file, context)) };
}
