/** Per-resource validation with kubeconform's statuses and messages (spec §1.2, §1.3). */
import type { ValidateFn } from '../compiling/compiler';
import { SchemaCompiler } from '../compiling/compiler';
import { defaultCacheDir } from '../schemas/cache';
import { describeFailure } from './errors';
import type { ValidationError } from './errors';
import { goJsonError } from './go-json-error';
import { signatureOf } from '../reading/identity';
import { SchemaLocation, loadFromLocation, templateVars } from '../schemas/locations';
import type { RegistryOptions } from '../schemas/locations';
import type { Chunk } from '../reading/yaml-reader';
import { parseYamlDocument, splitChunks } from '../reading/yaml-reader';

export type Status = 'valid' | 'invalid' | 'error' | 'skipped' | 'empty';

export interface ValidationResult {
  filename: string;
  kind: string;
  name: string;
  namespace: string;
  version: string;
  status: Status;
  msg: string;
  validationErrors?: ValidationError[];
}

export interface ValidatorOptions {
  /** `x.y.z` or `master` (the default). */
  kubernetesVersion?: string;
  /** Tried in order; none given means kubeconform's default remote location. */
  schemaLocations?: string[];
  strict?: boolean;
  ignoreMissingSchemas?: boolean;
  /** Kinds or `<apiVersion>/<Kind>` to skip / reject. */
  skip?: string[];
  reject?: string[];
  /** kubeconform `-cache`: folder for downloaded schemas (must exist). Compiled validators go there too. */
  cacheDir?: string;
  /** Folder for compiled validators and derived schemas; false disables; default see defaultCacheDir. */
  compileCacheDir?: string | false;
  /** Base for relative schema locations; default process.cwd(). */
  cwd?: string;
  /**
   * score-nx extension, off by default (kubeconform has no such option): after the schema, run the checks of
   * @score-nx/admission (CRD CEL rules, native validation). Their errors carry a `source`.
   */
  admission?: boolean;
}

/** The part of @score-nx/admission this package calls; required lazily, only when `admission` is on. */
interface AdmissionModule {
  checkResource(resource: unknown, schema: unknown): (ValidationError & { source: string; warn?: boolean })[];
}

/**
 * `validate` stops at the first failure (ajv without allErrors: smaller code, faster); `full` is
 * compiled only when a document fails, to list every error as v6 does. `schema` is kept only for the
 * admission extension (its CEL rules live in the schema).
 */
type SchemaEntry = { validate: ValidateFn; full: () => ValidateFn; url: string; schema?: unknown } | { missing: true } | { error: string };

const UNMARSHAL = 'error unmarshalling resource: ';

function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

export class Validator {
  private admissionModule: AdmissionModule | undefined;
  private readonly locations: SchemaLocation[];
  private readonly compiler: SchemaCompiler;
  private readonly registry: RegistryOptions;
  private readonly schemas = new Map<string, SchemaEntry | Promise<SchemaEntry>>();
  private readonly skip: Set<string>;
  private readonly reject: Set<string>;
  readonly strict: boolean;
  private readonly ignoreMissing: boolean;
  private readonly k8sVersion: string;
  private readonly withAdmission: boolean;

  /** Throws TemplateError for a location template that does not render. */
  constructor(opts: ValidatorOptions = {}) {
    this.withAdmission = opts.admission ?? false;
    const cwd = opts.cwd ?? process.cwd();
    const locs = opts.schemaLocations && opts.schemaLocations.length > 0 ? opts.schemaLocations : ['default'];
    this.locations = locs.map((l) => new SchemaLocation(l));
    this.strict = opts.strict ?? false;
    this.ignoreMissing = opts.ignoreMissingSchemas ?? false;
    this.k8sVersion = opts.kubernetesVersion ?? 'master';
    this.skip = new Set(opts.skip ?? []);
    this.reject = new Set(opts.reject ?? []);
    const compileDir = opts.compileCacheDir ?? (opts.cacheDir !== undefined ? `${opts.cacheDir}/score-nx-kubeconform` : defaultCacheDir(cwd));
    this.compiler = new SchemaCompiler({ cacheDir: compileDir });
    this.registry = {
      strict: this.strict,
      kubernetesVersion: this.k8sVersion,
      httpCacheDir: opts.cacheDir,
      derivedCacheDir: compileDir,
      cwd,
    };
  }

  private schemaFor(kind: string, apiVersion: string): SchemaEntry | Promise<SchemaEntry> {
    const key = `${kind}\0${apiVersion}`;
    let e = this.schemas.get(key);
    if (e === undefined) {
      const p = this.lookup(kind, apiVersion).then((r) => {
        this.schemas.set(key, r);
        return r;
      });
      this.schemas.set(key, p);
      e = p;
    }
    return e;
  }

  private async lookup(kind: string, apiVersion: string): Promise<SchemaEntry> {
    const vars = templateVars(kind, apiVersion, this.k8sVersion, this.strict);
    for (const loc of this.locations) {
      let loaded;
      try {
        loaded = await loadFromLocation(loc, vars, this.registry);
      } catch (e) {
        return { error: (e as Error).message };
      }
      if (loaded.kind === 'notfound') continue;
      if (loaded.kind === 'error') return { error: loaded.error };
      let fn: ValidateFn | null;
      try {
        fn = this.compiler.compile(loaded.text, loaded.parsed, false);
      } catch {
        // Not JSON: an error for a local file, "not found" for a download.
        if (!loaded.local) continue;
        return { error: goJsonError(loaded.text) };
      }
      if (fn === null) continue; // does not compile: kubeconform silently tries the next location
      let full: ValidateFn | undefined;
      const text = loaded.text;
      // Same schema and draft as the fast validator, which compiled: this one compiles too. Only the
      // text is kept (a parsed Deployment schema would hold megabytes per thread), unless admission needs the schema.
      const schema = this.withAdmission ? (loaded.parsed ?? loaded.text) : undefined;
      return { validate: fn, full: () => (full ??= this.compiler.compile(text, undefined, true)!), url: loaded.url, ...(schema !== undefined ? { schema } : {}) };
    }
    return { missing: true };
  }

  private admission(): AdmissionModule {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.admissionModule ??= require('@score-nx/admission') as AdmissionModule;
    return this.admissionModule;
  }

  /** Validates one decoded List item: kubeconform reads its identity from the map (SignatureFromMap). */
  async validateValue(filename: string, value: unknown): Promise<ValidationResult> {
    const base = { filename, kind: '', name: '', namespace: '', version: '', msg: '' };
    if (value === null || value === undefined) return { ...base, status: 'empty' };
    if (typeof value !== 'object' || Array.isArray(value)) {
      return {
        ...base,
        status: 'error',
        msg: `${UNMARSHAL}error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goTypeName(value)} into Go value of type map[string]interface {}`,
      };
    }
    const m = value as Record<string, unknown>;
    if (typeof m.kind !== 'string') return { ...base, status: 'error', msg: "error while parsing: missing 'kind' key" };
    if (typeof m.apiVersion !== 'string') return { ...base, status: 'error', msg: "error while parsing: missing 'apiVersion' key" };
    const kind = m.kind;
    const version = m.apiVersion;
    let name = '';
    let namespace = '';
    const md = m.metadata;
    if (md !== null && typeof md === 'object' && !Array.isArray(md)) {
      const mm = md as Record<string, unknown>;
      if (typeof mm.name === 'string') name = mm.name;
      if (typeof mm.namespace === 'string') namespace = mm.namespace;
      if (typeof mm.generateName === 'string') name = `${mm.generateName}{{ generateName }}`;
    }
    return this.validateIdentified({ ...base, kind, name, namespace, version }, value);
  }

  private async validateIdentified(id: Omit<ValidationResult, 'status'>, value: unknown): Promise<ValidationResult> {
    const { kind, version } = id;
    if (this.skip.has(`${version}/${kind}`) || this.skip.has(kind)) return { ...id, status: 'skipped' };
    if (this.reject.has(`${version}/${kind}`) || this.reject.has(kind)) {
      return { ...id, status: 'error', msg: `prohibited resource kind ${kind}` };
    }
    let entry = this.schemaFor(kind, version);
    if (entry instanceof Promise) entry = await entry;
    if ('error' in entry) return { ...id, status: 'error', msg: entry.error };
    if ('missing' in entry) {
      if (this.ignoreMissing) return { ...id, status: 'skipped' };
      return { ...id, status: 'error', msg: `could not find schema for ${kind}` };
    }
    const schemaValid = entry.validate(value);
    const extra = this.withAdmission ? this.admission().checkResource(value, entry.schema).filter((f) => !f.warn) : [];
    if (schemaValid && extra.length === 0) return { ...id, status: 'valid' };
    // With the extension on, the message lists the admission findings with their source, so text, tap and junit carry it.
    const extraMsg = extra.map((f) => `[${f.source}] ${f.path}: ${f.msg}`).join('; ');
    if (schemaValid) return { ...id, status: 'invalid', msg: extraMsg, validationErrors: extra };
    const full = entry.full();
    full(value);
    const failure = describeFailure(full.errors ?? [], value, entry.url);
    const r: ValidationResult = { ...id, status: 'invalid', msg: extra.length > 0 ? `${failure.msg}; ${extraMsg}` : failure.msg };
    if (failure.validationErrors.length > 0 || extra.length > 0) r.validationErrors = [...failure.validationErrors, ...extra];
    return r;
  }

  /**
   * Validates one split document. A `List` expands into its items under the same file name, so
   * this returns zero or more results.
   */
  async validateChunk(filename: string, chunk: Chunk): Promise<ValidationResult[]> {
    const base = { filename, kind: '', name: '', namespace: '', version: '', msg: '' };
    if (chunk.byteLength === 0) return [{ ...base, status: 'empty' }];
    if (chunk.text === undefined) {
      return [{ ...base, status: 'error', msg: `${UNMARSHAL}error converting YAML to JSON: yaml: ${chunk.encodingError ?? 'invalid leading UTF-8 octet'}` }];
    }
    let parsed;
    try {
      parsed = parseYamlDocument(chunk.text);
    } catch (e) {
      return [{ ...base, status: 'error', msg: `${UNMARSHAL}error converting YAML to JSON: yaml: ${(e as Error).message}` }];
    }
    if (!parsed.ok) return [{ ...base, status: 'error', msg: UNMARSHAL + parsed.error }];
    const v = parsed.value;
    if (v === null || v === undefined) return [{ ...base, status: 'empty' }];
    if (parsed.unsupported !== undefined) return [{ ...base, status: 'error', msg: UNMARSHAL + parsed.unsupported }];
    if (typeof v !== 'object' || Array.isArray(v)) return [await this.validateValue(filename, v)];
    const sig = signatureOf(v as Record<string, unknown>);
    const id = { ...base, kind: sig.kind, name: sig.name, namespace: sig.namespace, version: sig.version };
    // kubeconform expands a List before it validates anything of the document itself.
    if (sig.error === undefined && sig.kind.toLowerCase() === 'list') {
      const items = listItems(v as Record<string, unknown>);
      const out: ValidationResult[] = [];
      for (const item of items) out.push(await this.validateValue(filename, item));
      return out;
    }
    if (this.strict && parsed.duplicates.length > 0) {
      return [{ ...id, status: 'error', msg: `${UNMARSHAL}error converting YAML to JSON: yaml: unmarshal errors:\n  ${parsed.duplicates.join('\n  ')}` }];
    }
    if (sig.error !== undefined) return [{ ...id, status: 'error', msg: `error while parsing: ${sig.error}` }];
    return [await this.validateIdentified(id, v)];
  }

  /** Results for bytes holding whole documents; `keepEmpty` (standard input) keeps zero-length ones. */
  async validateBytes(filename: string, bytes: Buffer, keepEmpty: boolean): Promise<ValidationResult[]> {
    const out: ValidationResult[] = [];
    for (const chunk of splitChunks(bytes)) {
      if (!keepEmpty && chunk.byteLength === 0) continue;
      for (const r of await this.validateChunk(filename, chunk)) out.push(r);
    }
    return out;
  }

  /** All results for one file's bytes, with kubeconform's file rules (empty chunks dropped, placeholder). */
  async validateFile(filename: string, content: Buffer): Promise<ValidationResult[]> {
    const out = await this.validateBytes(filename, content, false);
    // A List with no items yields no resource, so it does not count against the placeholder.
    if (out.length === 0) out.push({ filename, kind: '', name: '', namespace: '', version: '', status: 'empty', msg: '' });
    return out;
  }

  /** Standard input: every chunk counts, including zero-length ones. */
  async validateStream(filename: string, content: Buffer): Promise<ValidationResult[]> {
    return this.validateBytes(filename, content, true);
  }
}

/** The List's `items`, matched as Go's encoding/json matches the `Items` field (case-insensitively, last key wins). */
function listItems(v: Record<string, unknown>): unknown[] {
  let items: unknown = undefined;
  for (const k of Object.keys(v).sort()) if (k.toLowerCase() === 'items') items = v[k];
  return Array.isArray(items) ? items : [];
}

export interface DocumentInput {
  file: string;
  content: string | Buffer;
}

/** Library entry: validates in-memory files with kubeconform semantics. */
export async function validateDocuments(docs: DocumentInput[], options: ValidatorOptions = {}): Promise<ValidationResult[]> {
  const v = new Validator(options);
  const out: ValidationResult[] = [];
  for (const d of docs) {
    const buf = typeof d.content === 'string' ? Buffer.from(d.content, 'utf8') : d.content;
    out.push(...(await v.validateFile(d.file, buf)));
  }
  return out;
}
