/**
 * Schema locations (`-schema-location`): Go-template rendering, the default and directory shorthands,
 * local / file:// / HTTP(S) loading with kubeconform's on-disk download cache, and this package's
 * extension: a location whose rendered path ends in `_definitions.json` is a Kubernetes definitions
 * bundle from which standalone schemas are derived in memory (spec §2.2).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as httpTypes from 'node:http';
import { readCached, sha256, writeCached } from './cache';
import { StandaloneDeriver } from './derive-standalone';
import { PACKAGE_VERSION } from '../version';

export const DEFAULT_LOCATION =
  'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json';
const DIR_SUFFIX = '/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json';

export interface TemplateVars {
  NormalizedKubernetesVersion: string;
  StrictSuffix: string;
  ResourceKind: string;
  ResourceAPIVersion: string;
  Group: string;
  KindSuffix: string;
}

export function templateVars(kind: string, apiVersion: string, k8sVersion: string, strict: boolean): TemplateVars {
  const groupParts = apiVersion.split('/');
  const versionParts = groupParts[0]!.split('.');
  let kindSuffix = '-' + versionParts[0]!.toLowerCase();
  if (groupParts.length > 1) kindSuffix += '-' + groupParts[1]!.toLowerCase();
  return {
    NormalizedKubernetesVersion: k8sVersion === 'master' ? 'master' : `v${k8sVersion}`,
    StrictSuffix: strict ? '-strict' : '',
    ResourceKind: kind.toLowerCase(),
    ResourceAPIVersion: groupParts[groupParts.length - 1]!,
    Group: groupParts[0]!,
    KindSuffix: kindSuffix,
  };
}

export class TemplateError extends Error {}

/** `column`: Go's error context, the 0-based byte offset of the field within its line. */
type Piece = string | { field: string; line: number; column: number };

/** The subset of Go text/template kubeconform locations use: `{{ .Field }}` with optional trim markers. */
export function parseTemplate(tpl: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < tpl.length) {
    const open = tpl.indexOf('{{', i);
    if (open < 0) {
      pieces.push(tpl.slice(i));
      break;
    }
    let text = tpl.slice(i, open);
    const close = tpl.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError('template: tpl:1: unclosed action');
    let inner = tpl.slice(open + 2, close);
    if (inner.startsWith('-') && /^-\s/.test(inner)) {
      text = text.trimEnd();
      inner = inner.slice(1);
    }
    let trimAfter = false;
    if (/\s-$/.test(inner)) {
      trimAfter = true;
      inner = inner.slice(0, -1);
    }
    pieces.push(text);
    const expr = inner.trim();
    const m = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
    if (!m) {
      if (expr === '') throw new TemplateError('template: tpl:1: missing value for command');
      const fn = /^[A-Za-z_]\w*/.exec(expr);
      if (fn) throw new TemplateError(`template: tpl:1: function "${fn[0]}" not defined`);
      throw new TemplateError(`template: tpl:1: unexpected "${expr[0]}" in command`);
    }
    const dot = tpl.indexOf('.', open + 2);
    const lineStart = tpl.lastIndexOf('\n', dot) + 1;
    pieces.push({ field: m[1]!, line: tpl.slice(0, dot).split('\n').length, column: Buffer.byteLength(tpl.slice(lineStart, dot)) });
    i = close + 2;
    if (trimAfter) while (i < tpl.length && /\s/.test(tpl[i]!)) i++;
  }
  return pieces;
}

export function renderTemplate(pieces: Piece[], vars: TemplateVars): string {
  let out = '';
  for (const p of pieces) {
    if (typeof p === 'string') out += p;
    else {
      const v = (vars as unknown as Record<string, string | undefined>)[p.field];
      if (v === undefined || !Object.prototype.hasOwnProperty.call(vars, p.field)) {
        throw new TemplateError(`template: tpl:${p.line}:${p.column}: executing "tpl" at <.${p.field}>: can't evaluate field ${p.field} in type struct { NormalizedKubernetesVersion string; StrictSuffix string; ResourceKind string; ResourceAPIVersion string; Group string; KindSuffix string }`);
      }
      out += v;
    }
  }
  return out;
}

export type Loaded =
  | { kind: 'found'; url: string; text: string; parsed?: unknown; local: boolean }
  | { kind: 'notfound' }
  | { kind: 'error'; error: string };

export interface RegistryOptions {
  strict: boolean;
  kubernetesVersion: string;
  /** kubeconform's `-cache`: downloaded schemas, one file per URL named by sha256(url). */
  httpCacheDir?: string;
  /** Where derived standalone schemas are kept between processes (false: not kept). */
  derivedCacheDir: string | false;
  cwd: string;
}

export class SchemaLocation {
  readonly template: string;
  private readonly pieces: Piece[];
  readonly isHttp: boolean;

  constructor(location: string) {
    let loc = location;
    if (loc === 'default') loc = DEFAULT_LOCATION;
    else if (!loc.endsWith('json')) loc = loc.replace(/\/+$/, '') + DIR_SUFFIX;
    this.template = loc;
    try {
      this.pieces = parseTemplate(loc);
      // kubeconform renders once at start-up to reject bad templates early.
      renderTemplate(this.pieces, templateVars('Deployment', 'v1', 'master', true));
    } catch (e) {
      throw new TemplateError(`failed initialising schema location registry: ${(e as Error).message}`);
    }
    this.isHttp = loc.startsWith('http');
  }

  render(vars: TemplateVars): string {
    return renderTemplate(this.pieces, vars);
  }
}

const derivers = new Map<string, StandaloneDeriver>();

function httpGet(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    // Loaded on first use: most runs read local schemas only, and each worker thread would pay for them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = (url.startsWith('https:') ? require('node:https') : require('node:http')) as HttpModule;
    const req = mod.get(url, { timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

type HttpModule = Pick<typeof httpTypes, 'get'>;

/** retryablehttp with RetryMax=2: three tries on network errors and 5xx (short waits here). */
export async function fetchWithRetry(url: string): Promise<{ status: number; body: Buffer }> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * attempt));
    try {
      const res = await httpGet(url);
      if (res.status >= 500 && res.status !== 501 && attempt < 2) {
        last = res;
        continue;
      }
      return res;
    } catch (e) {
      last = e;
    }
  }
  if (last && typeof last === 'object' && 'status' in last) return last as { status: number; body: Buffer };
  throw last;
}

export async function loadFromLocation(loc: SchemaLocation, vars: TemplateVars, opts: RegistryOptions): Promise<Loaded> {
  const rendered = loc.render(vars);
  if (loc.isHttp) return loadHttp(rendered, opts);
  let file = rendered;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      file = file.slice('file://'.length);
    }
  }
  file = path.resolve(opts.cwd, file);
  if (path.basename(file) === '_definitions.json') return loadDerived(file, vars, opts);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'notfound' };
    return { kind: 'error', error: `failed to open schema at ${rendered}: ${(e as Error).message}` };
  }
  return { kind: 'found', url: `file://${file}`, text, local: true };
}

async function loadHttp(url: string, opts: RegistryOptions): Promise<Loaded> {
  const cacheName = sha256(url);
  if (opts.httpCacheDir !== undefined) {
    const cached = readCached(opts.httpCacheDir, cacheName);
    if (cached !== undefined) return { kind: 'found', url, text: cached, local: false };
  }
  let res: { status: number; body: Buffer };
  try {
    res = await fetchWithRetry(url);
  } catch (e) {
    return { kind: 'error', error: `failed downloading schema at ${url}: ${(e as Error).message}` };
  }
  if (res.status === 404) return { kind: 'notfound' };
  if (res.status !== 200) return { kind: 'error', error: `error while downloading schema at ${url} - received HTTP status ${res.status}` };
  const text = res.body.toString('utf8');
  if (opts.httpCacheDir !== undefined) writeCached(opts.httpCacheDir, cacheName, res.body);
  return { kind: 'found', url, text, local: false };
}

function loadDerived(defsFile: string, vars: TemplateVars, opts: RegistryOptions): Loaded {
  const fileName = `${vars.ResourceKind}${vars.KindSuffix}.json`;
  const strict = vars.StrictSuffix !== '';
  let st: fs.Stats;
  try {
    st = fs.statSync(defsFile);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'notfound' };
    return { kind: 'error', error: `failed to open schema at ${defsFile}: ${(e as Error).message}` };
  }
  const url = `file://${path.join(path.dirname(defsFile), `${vars.NormalizedKubernetesVersion}-standalone${vars.StrictSuffix}`, fileName)}`;
  // Derived schemas are cached by the bundle's identity so a warm run never reads the bundle.
  const key = sha256(`${PACKAGE_VERSION}\0${defsFile}\0${st.size}\0${st.mtimeMs}\0${strict}\0${fileName}`);
  const dir = opts.derivedCacheDir === false ? false : path.join(opts.derivedCacheDir, 'derived');
  if (dir !== false) {
    const hit = readCached(dir, `${key}.json`);
    if (hit !== undefined) return hit === '' ? { kind: 'notfound' } : { kind: 'found', url, text: hit, local: true };
  }
  const dkey = `${defsFile}\0${st.size}\0${st.mtimeMs}`;
  let deriver = derivers.get(dkey);
  if (deriver === undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(defsFile, 'utf8'));
      deriver = StandaloneDeriver.fromJson(doc);
    } catch (e) {
      return { kind: 'error', error: `failed to read definitions at ${defsFile}: ${(e as Error).message}` };
    }
    derivers.set(dkey, deriver);
  }
  const schema = deriver.derive(fileName, strict);
  const text = schema === undefined ? '' : JSON.stringify(schema);
  if (dir !== false) writeCached(dir, `${key}.json`, text);
  if (schema === undefined) return { kind: 'notfound' };
  return { kind: 'found', url, text, parsed: schema, local: true };
}
