/**
 * Derivation of yannh/kubernetes-json-schema `<v>-standalone[-strict]/<kind>[-<group>]-<version>.json`
 * files from a `_definitions.json`, restating yannh/openapi2jsonschema (spec §2.2). Derivation is
 * lazy per file name because a run usually needs a handful of the ~700 kinds.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepCopy<T extends Json>(v: T): T {
  return structuredClone(v);
}

/** File name of a definitions key, e.g. io.k8s.api.apps.v1.Deployment -> deployment-apps-v1.json. */
export function standaloneFileName(key: string): string {
  const parts = key.split('.');
  const kind = (parts[parts.length - 1] ?? '').toLowerCase();
  const version = (parts[parts.length - 2] ?? '').toLowerCase();
  const group = (parts[parts.length - 3] ?? '').toLowerCase();
  return group === 'core' || group === 'api' ? `${kind}-${version}.json` : `${kind}-${group}-${version}.json`;
}

function skipped(key: string): boolean {
  if (key.startsWith('io.k8s.kubernetes.pkg.')) return true;
  const kind = key.split('.').pop()!.toLowerCase();
  return (
    kind === 'customresourcedefinition' ||
    kind === 'customresourcedefinitionspec' ||
    kind === 'customresourcedefinitionlist' ||
    kind === 'customresourcevalidation' ||
    kind.startsWith('jsonschemaprops')
  );
}

function addEnum(props: Json | undefined, name: string, value: string): void {
  if (!isObj(props)) return;
  const p = props[name];
  if (!isObj(p)) return;
  const e = Array.isArray(p.enum) ? p.enum : (p.enum = []);
  if (!e.includes(value)) e.push(value);
}

function denyAdditional(node: Json): void {
  if (!isObj(node)) return;
  if ('properties' in node && !('additionalProperties' in node)) node.additionalProperties = false;
  for (const v of Object.values(node)) denyAdditional(v);
}

class RecursiveRef extends Error {}

/** Derives standalone schemas from one `_definitions.json` document. */
export class StandaloneDeriver {
  private readonly prepared = new Map<boolean, Obj>();
  private byName: Map<string, string[]> | undefined;

  constructor(private readonly definitions: Obj) {}

  static fromJson(doc: unknown): StandaloneDeriver {
    if (!isObj(doc) || !isObj(doc.definitions)) throw new Error('not a _definitions.json document: no "definitions" object');
    return new StandaloneDeriver(doc.definitions);
  }

  /** All file names this bundle can produce (those whose derivation does not recurse). */
  fileNames(): string[] {
    return [...this.names().keys()].filter((n) => this.derive(n, false) !== undefined).sort();
  }

  /** The definitions keys that a standalone file name is derived from (the last that converts wins). */
  keysFor(fileName: string): readonly string[] {
    return this.names().get(fileName) ?? [];
  }

  private names(): Map<string, string[]> {
    if (this.byName === undefined) {
      this.byName = new Map();
      for (const key of Object.keys(this.definitions)) {
        if (skipped(key)) continue;
        const name = standaloneFileName(key);
        const list = this.byName.get(name) ?? [];
        list.push(key);
        this.byName.set(name, list);
      }
    }
    return this.byName;
  }

  private prepare(strict: boolean): Obj {
    let d = this.prepared.get(strict);
    if (d !== undefined) return d;
    d = deepCopy(this.definitions);
    d['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
    d['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
    for (const def of Object.values(d)) {
      if (!isObj(def)) continue;
      const gvks = def['x-kubernetes-group-version-kind'];
      if (!Array.isArray(gvks)) continue;
      for (const gvk of gvks) {
        if (!isObj(gvk)) continue;
        const group = typeof gvk.group === 'string' ? gvk.group : '';
        const version = typeof gvk.version === 'string' ? gvk.version : '';
        addEnum(def.properties, 'apiVersion', group === '' ? version : `${group}/${version}`);
        if (typeof gvk.kind === 'string') addEnum(def.properties, 'kind', gvk.kind);
      }
    }
    if (strict) denyAdditional(d);
    this.prepared.set(strict, d);
    return d;
  }

  /** The standalone schema for a file name such as `deployment-apps-v1.json`, or undefined. */
  derive(fileName: string, strict: boolean): Obj | undefined {
    const keys = this.names().get(fileName);
    if (keys === undefined) return undefined;
    // The converter writes every key in order, so the last one that converts wins.
    for (let i = keys.length - 1; i >= 0; i--) {
      const out = this.deriveKey(keys[i]!, strict);
      if (out !== undefined) return out;
    }
    return undefined;
  }

  private deriveKey(key: string, strict: boolean): Obj | undefined {
    const d = this.prepare(strict);
    const def = d[key];
    if (!isObj(def)) return undefined;
    const spec = deepCopy(def);
    spec.$schema = 'http://json-schema.org/schema#';
    if (!('type' in spec)) spec.type = 'object';
    if (strict) spec.additionalProperties = false;
    let inlined: Obj;
    try {
      inlined = this.inline(spec, d, new Set([key])) as Obj;
    } catch (e) {
      if (e instanceof RecursiveRef) return undefined;
      throw e;
    }
    if (isObj(inlined.properties)) inlined.properties = nullable(inlined.properties, null, null, null) as Obj;
    return inlined;
  }

  private inline(node: Json, d: Obj, stack: Set<string>): Json {
    if (Array.isArray(node)) return node.map((x) => this.inline(x, d, stack));
    if (!isObj(node)) return node;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      const name = ref.replace(/^#\/definitions\//, '');
      if (stack.has(name)) throw new RecursiveRef(name);
      const target = d[name];
      if (target === undefined) return deepCopy(node);
      stack.add(name);
      const out = this.inline(deepCopy(target), d, stack);
      stack.delete(name);
      return out;
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(node)) out[k] = this.inline(v, d, stack);
    return out;
  }
}

/** yannh's allow_null_optional_fields, including its Python truthiness and list quirks. */
function nullable(data: Json, parent: Json | null, grand: Json | null, key: string | null): Json {
  if (!isObj(data)) return data; // Python: iteritems() on a non-dict raises AttributeError -> unchanged
  const out: Obj = {};
  for (const [k, v] of Object.entries(data)) {
    let nv: Json = v;
    if (isObj(v)) {
      nv = nullable(v, data, parent, k);
    } else if (Array.isArray(v)) {
      nv = v.map((x) => nullable(x, v, parent, k));
    } else if (typeof v === 'string') {
      const nonNullType = k === 'type' && v !== 'null';
      const truthyGrand = Array.isArray(grand) ? grand.length > 0 : isObj(grand) ? Object.keys(grand).length > 0 : false;
      const hasRequired = truthyGrand && (Array.isArray(grand) ? grand.includes('required') : 'required' in (grand as Obj));
      if (nonNullType && !hasRequired) nv = [v, 'null'];
      else if (nonNullType && hasRequired) {
        const req = (grand as Obj).required;
        if (!(Array.isArray(req) && req.includes(key as Json))) nv = [v, 'null'];
      }
    }
    out[k] = nv;
  }
  return out;
}
