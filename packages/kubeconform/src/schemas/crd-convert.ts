/**
 * CustomResourceDefinition -> catalog-layout JSON schemas, as kubeconform's
 * scripts/openapi2jsonschema.py writes them (spec §2.3): additionalProperties:false on every object
 * with properties except the root, `format: int-or-string` replaced by a oneOf, nothing else touched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Writer } from '../output/outputs';
import { parseYamlDocument, splitChunks } from '../reading/yaml-reader';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface CrdSchemaFile {
  /** Catalog path: `<group>/<kind>_<version>.json`, lowercased like the script's file name. */
  path: string;
  schema: unknown;
}

function additionalProperties(data: unknown, skip: boolean): void {
  // The script walks dict values only; lists (anyOf, allOf, ...) are not entered.
  if (!isObj(data)) return;
  if ('properties' in data && !skip && !('additionalProperties' in data)) data.additionalProperties = false;
  for (const v of Object.values(data)) additionalProperties(v, false);
}

function replaceIntOrString(data: unknown): unknown {
  if (!isObj(data)) return data;
  const out: Obj = {};
  for (const [k, v] of Object.entries(data)) {
    if (isObj(v)) out[k] = v.format === 'int-or-string' ? { oneOf: [{ type: 'string' }, { type: 'integer' }] } : replaceIntOrString(v);
    else if (Array.isArray(v)) out[k] = v.map(replaceIntOrString);
    else out[k] = v;
  }
  return out;
}

function convert(schema: unknown, denyRoot: boolean): unknown {
  const copy = structuredClone(schema);
  additionalProperties(copy, !denyRoot);
  return replaceIntOrString(copy);
}

/** Schemas for every CRD (or List of CRDs) in the given documents. */
export function crdToSchemas(docs: unknown[], opts: { denyRootAdditionalProperties?: boolean } = {}): CrdSchemaFile[] {
  const defs: Obj[] = [];
  for (const y of docs) {
    if (!isObj(y)) continue;
    if (Array.isArray(y.items)) for (const it of y.items) if (isObj(it)) defs.push(it);
    if (y.kind === 'CustomResourceDefinition') defs.push(y);
  }
  const out: CrdSchemaFile[] = [];
  const deny = opts.denyRootAdditionalProperties ?? false;
  for (const y of defs) {
    const spec = isObj(y.spec) ? y.spec : undefined;
    if (spec === undefined) continue;
    const group = String(spec.group ?? '');
    const kind = String(isObj(spec.names) ? spec.names.kind : '');
    const file = (version: string) => `${group}/${`${kind}_${version}`.toLowerCase()}.json`;
    const legacy = isObj(spec.validation) && 'openAPIV3Schema' in spec.validation ? spec.validation.openAPIV3Schema : undefined;
    if (Array.isArray(spec.versions) && spec.versions.length > 0) {
      for (const v of spec.versions) {
        if (!isObj(v)) continue;
        const s = isObj(v.schema) && 'openAPIV3Schema' in v.schema ? v.schema.openAPIV3Schema : legacy;
        if (s !== undefined) out.push({ path: file(String(v.name)), schema: convert(s, deny) });
      }
    } else if (legacy !== undefined) {
      out.push({ path: file(String(spec.version)), schema: convert(legacy, deny) });
    }
  }
  return out;
}

/** Python's json.dumps(indent=2): ASCII-only output. */
export function pythonJson(v: unknown): string {
  return JSON.stringify(v, null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const IMPORT_USAGE = 'Usage: score-nx validate import-crd <crd.yaml>... --out <dir>\n';

/** `import-crd <crd.yaml…> --out <dir>`: writes `<dir>/<group>/<kind>_<version>.json`. */
export async function runImportCrd(argv: string[], io: { stdout: Writer; stderr: Writer; cwd?: string }): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const files: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--?out(?:=(.*))?$/.exec(a);
    if (m) {
      out = m[1] ?? argv[++i];
      if (out === undefined) {
        io.stderr.write(`flag needs an argument: --out\n${IMPORT_USAGE}`);
        return 1;
      }
    } else if (a.startsWith('-') && a !== '-') {
      io.stderr.write(`unknown option: ${a}\n${IMPORT_USAGE}`);
      return 1;
    } else files.push(a);
  }
  if (out === undefined || files.length === 0) {
    io.stderr.write(IMPORT_USAGE);
    return 1;
  }
  const docs: unknown[] = [];
  for (const f of files) {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(path.resolve(cwd, f));
    } catch (e) {
      io.stderr.write(`${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}\n`);
      return 1;
    }
    for (const chunk of splitChunks(buf)) {
      if (chunk.text === undefined) {
        io.stderr.write(`${f}: invalid UTF-8\n`);
        return 1;
      }
      const r = parseYamlDocument(chunk.text);
      if (!r.ok) {
        io.stderr.write(`${f}: ${r.error}\n`);
        return 1;
      }
      docs.push(r.value);
    }
  }
  const schemas = crdToSchemas(docs, { denyRootAdditionalProperties: Boolean(process.env.DENY_ROOT_ADDITIONAL_PROPERTIES) });
  const outDir = path.resolve(cwd, out);
  for (const s of schemas) {
    const target = path.join(outDir, s.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, pythonJson(s.schema) + '\n');
    io.stdout.write(`JSON schema written to ${path.join(out, s.path)}\n`);
  }
  return 0;
}
