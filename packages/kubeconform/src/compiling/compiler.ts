/**
 * Schema compilation with ajv, configured to behave like santhosh-tekuri/jsonschema v6 as kubeconform
 * uses it (spec §3), plus a two-level cache: in memory per process, and ajv standalone code on disk
 * so that a second process does not pay the ~0.6 s compile of a large built-in schema again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { readCached, sha256, writeCached } from '../schemas/cache';
import { FORMATS_MODULE_ID, formats } from './formats';
import { RE2_MODULE_ID, re2Engine, re2Lazy } from './re2';
import { PACKAGE_VERSION } from '../version';

export interface AjvErrorLike {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvErrorLike[] | null };

export type Draft = 'draft4' | 'draft7' | '2019' | '2020';

export function draftOf(schema: unknown): Draft | undefined {
  const s = (schema as { $schema?: unknown } | null)?.$schema;
  if (s === undefined) return 'draft4';
  if (typeof s !== 'string') return undefined;
  const u = s.replace(/#$/, '').replace(/^https:/, 'http:');
  if (u === 'http://json-schema.org/schema') return '2020';
  if (u === 'http://json-schema.org/draft-04/schema') return 'draft4';
  if (u === 'http://json-schema.org/draft-06/schema' || u === 'http://json-schema.org/draft-07/schema') return 'draft7';
  if (u === 'http://json-schema.org/draft/2019-09/schema') return '2019';
  if (u === 'http://json-schema.org/draft/2020-12/schema') return '2020';
  return undefined; // an unknown metaschema cannot be loaded: v6 fails to compile
}

// Keywords whose value is a map of name -> subschema: their keys are property names, not keywords.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);

/** Keywords that came after Draft 4: v6 ignores them in a Draft 4 schema, ajv-draft-04 would assert some (const). */
const NOT_DRAFT4 = new Set(['const', 'contains', 'propertyNames', 'if', 'then', 'else']);
const NONE = new Set<string>();

/**
 * Drops `nullable` (v6 ignores it, ajv would honour it), `$schema` (the draft is chosen here) and the
 * keywords the schema's draft does not have.
 */
function prepare(node: unknown, top: boolean, unknown: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((x) => prepare(x, false, unknown));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'nullable' || (top && k === '$schema') || unknown.has(k)) continue;
    if (k === 'enum' || k === 'const' || k === 'default' || k === 'examples') out[k] = v;
    else if (SCHEMA_MAPS.has(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([pk, pv]) => [pk, prepare(pv, false, unknown)]));
    } else out[k] = prepare(v, false, unknown);
  }
  return out;
}

// Anything that changes generated code belongs here, so that it is part of the disk cache key.
const OPTIONS_FINGERPRINT = 'ajv8.20/strict:false/re2/v6formats/nullable-dropped/draft4-keywords/4';

/* eslint-disable @typescript-eslint/no-require-imports */
// Only ajv's runtime helpers are ever required by generated code. Listed with literal ids so that a bundler
// (the packed CLI is one esbuild bundle, with no node_modules beside it) includes them.
const AJV_RUNTIME: Record<string, () => unknown> = {
  'ajv/dist/runtime/equal': () => require('ajv/dist/runtime/equal'),
  'ajv/dist/runtime/parseJson': () => require('ajv/dist/runtime/parseJson'),
  'ajv/dist/runtime/quote': () => require('ajv/dist/runtime/quote'),
  'ajv/dist/runtime/timestamp': () => require('ajv/dist/runtime/timestamp'),
  'ajv/dist/runtime/ucs2length': () => require('ajv/dist/runtime/ucs2length'),
  'ajv/dist/runtime/uri': () => require('ajv/dist/runtime/uri'),
  'ajv/dist/runtime/validation_error': () => require('ajv/dist/runtime/validation_error'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const requireShim = (id: string): unknown => {
  if (id === RE2_MODULE_ID) return { re2Lazy };
  if (id === FORMATS_MODULE_ID) return formats;
  const runtime = AJV_RUNTIME[id];
  if (!runtime) throw new Error(`unexpected require in cached validator: ${id}`);
  return runtime();
};

/**
 * Evaluates cached standalone code. V8's code cache (`<key>.v8`) is written after the first call,
 * when the large validate function has been compiled, and saves ~0.2 s per process for Deployment.
 */
function loadModule(code: string, filename: string, v8CachePath?: string): ValidateFn {
  let cachedData: Buffer | undefined;
  if (v8CachePath !== undefined) {
    try {
      cachedData = fs.readFileSync(v8CachePath);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(`(function (require, module, exports) {${code}\n})`, { filename, cachedData });
  const wrapper = script.runInThisContext() as (r: typeof requireShim, m: { exports: unknown }, e: unknown) => void;
  const mod = { exports: {} as unknown };
  wrapper(requireShim, mod, mod.exports);
  const validate = mod.exports as ValidateFn;
  if (v8CachePath === undefined || (cachedData !== undefined && !script.cachedDataRejected)) return validate;
  let first = true;
  const wrapped = ((data: unknown) => {
    const ok = validate(data);
    wrapped.errors = validate.errors;
    if (first) {
      first = false;
      writeCached(path.dirname(v8CachePath), path.basename(v8CachePath), script.createCachedData());
    }
    return ok;
  }) as ValidateFn;
  return wrapped;
}

type AjvCtor = new (opts: Record<string, unknown>) => {
  compile(schema: unknown): ValidateFn;
  addFormat(name: string, f: unknown): unknown;
};

function ajvFor(draft: Draft, allErrors: boolean): { ajv: InstanceType<AjvCtor>; standalone: (ajv: unknown, v: unknown) => string } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  // Loaded lazily: a warm run never compiles, and ajv costs ~60 ms to load.
  const { _ } = require('ajv') as { _: (s: TemplateStringsArray, ...a: unknown[]) => unknown };
  const standalone = (require('ajv/dist/standalone') as { default: (ajv: unknown, v: unknown) => string }).default;
  const common = {
    strict: false,
    logger: false,
    allErrors,
    code: { source: true, regExp: re2Engine, formats: _`require(${FORMATS_MODULE_ID})` },
  };
  let ajv: InstanceType<AjvCtor>;
  if (draft === '2020') {
    const Ajv2020 = (require('ajv/dist/2020') as { default: AjvCtor }).default;
    ajv = new Ajv2020({ ...common, validateFormats: false });
  } else if (draft === '2019') {
    const Ajv2019 = (require('ajv/dist/2019') as { default: AjvCtor }).default;
    ajv = new Ajv2019({ ...common, validateFormats: false });
  } else if (draft === 'draft7') {
    const Ajv = (require('ajv') as { default: AjvCtor }).default;
    ajv = new Ajv({ ...common, formats });
  } else {
    const AjvDraft4 = (require('ajv-draft-04') as { default: AjvCtor }).default;
    ajv = new AjvDraft4({ ...common, formats });
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { ajv, standalone };
}

export interface CompilerOptions {
  /** Directory for compiled validators; false disables the disk cache. */
  cacheDir: string | false;
}

export class SchemaCompiler {
  private readonly memory = new Map<string, ValidateFn | null>();
  constructor(private readonly opts: CompilerOptions) {}

  private get dir(): string | false {
    return this.opts.cacheDir === false ? false : path.join(this.opts.cacheDir, 'validators');
  }

  /**
   * Compiles schema text (already known to be JSON when `parsed` is given). Returns null when the
   * schema does not compile, which kubeconform treats as "schema not found".
   */
  compile(text: string, parsed?: unknown, allErrors = true): ValidateFn | null {
    const key = sha256(`${PACKAGE_VERSION}\0${OPTIONS_FINGERPRINT}\0allErrors:${allErrors}\0${text}`);
    const hit = this.memory.get(key);
    if (hit !== undefined) return hit;
    const dir = this.dir;
    if (dir !== false) {
      const code = readCached(dir, `${key}.js`);
      if (code !== undefined) {
        try {
          const fn = loadModule(code, path.join(dir, `${key}.js`), path.join(dir, `${key}.${process.versions.v8}.v8`));
          this.memory.set(key, fn);
          return fn;
        } catch {
          // a corrupt cache entry is recompiled below
        }
      } else if (fs.existsSync(path.join(dir, `${key}.fail`))) {
        this.memory.set(key, null);
        return null;
      }
    }
    const schema = parsed ?? JSON.parse(text);
    const draft = draftOf(schema);
    let fn: ValidateFn | null = null;
    let code: string | undefined;
    if (draft !== undefined) {
      try {
        const { ajv, standalone } = ajvFor(draft, allErrors);
        const v = ajv.compile(prepare(schema, true, draft === 'draft4' ? NOT_DRAFT4 : NONE));
        code = standalone(ajv, v);
        fn = dir !== false ? loadModule(code, path.join(dir, `${key}.js`)) : v;
      } catch {
        fn = null;
      }
    }
    if (dir !== false) {
      if (fn !== null && code !== undefined) writeCached(dir, `${key}.js`, code);
      else writeCached(dir, `${key}.fail`, '');
    }
    this.memory.set(key, fn);
    return fn;
  }
}
