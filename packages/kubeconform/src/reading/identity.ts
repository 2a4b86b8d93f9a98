/**
 * A resource's identity as kubeconform's Resource.Signature() computes it: sigs.k8s.io/yaml decodes
 * the document (never strictly) into a typed struct. That decode differs from reading the map:
 * keys match case-insensitively (`Kind:` is the kind), numbers and booleans in the string fields
 * become strings (`name: 123` is "123"), and a value of the wrong shape is an error that keeps the
 * fields decoded before and after it. Every result of a top-level document carries this identity.
 */

export interface Signature {
  kind: string;
  version: string;
  name: string;
  namespace: string;
  /** The decode error or the missing key, without kubeconform's "error while parsing: " prefix. */
  error?: string;
}

const METADATA_TYPE = 'struct { Name string "yaml:\\"name\\""; Namespace string "yaml:\\"namespace\\""; GenerateName string "yaml:\\"generateName\\"" }';

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return 'object';
}

/** strconv.FormatFloat(f, 'g', -1, 32): the shortest decimal that round-trips through float32. */
export function goFormatFloat32G(f: number): string {
  const x = Math.fround(f);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  let s = '';
  for (let p = 1; p <= 9; p++) {
    s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) break;
  }
  const [mant, e] = Number(s).toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${Math.abs(exp) < 10 ? '0' : ''}${Math.abs(exp)}`;
  return String(Number(s));
}

/** What sigs.k8s.io/yaml puts into a Go string field (integers print as integers, floats as float32 'g'). */
function scalarString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v).toString() : goFormatFloat32G(v);
  return undefined;
}

type Field = { name: string; set: (s: string) => void } | { name: string; struct: (v: Record<string, unknown>) => void; type: string; path: string };

/**
 * Go's encoding/json over the JSON that sigs.k8s.io/yaml produced: object keys in sorted order, a
 * key matching a field exactly or case-insensitively, the later key winning, the first type error kept.
 */
function decodeStruct(obj: Record<string, unknown>, fields: Field[], prefix: string, fail: (m: string) => void): void {
  for (const key of Object.keys(obj).sort()) {
    const lower = key.toLowerCase();
    const f = fields.find((x) => x.name === key) ?? fields.find((x) => x.name.toLowerCase() === lower);
    if (f === undefined) continue;
    const v = obj[key];
    if (v === null || v === undefined) continue; // null leaves a Go field as it is
    if ('set' in f) {
      const s = scalarString(v);
      if (s === undefined) fail(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${prefix}.${f.name} of type string`);
      else f.set(s);
    } else if (typeof v !== 'object' || Array.isArray(v)) {
      fail(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${prefix}.${f.path} of type ${f.type}`);
    } else f.struct(v as Record<string, unknown>);
  }
}

/** The signature of a decoded top-level mapping (go-yaml's non-strict value). */
export function signatureOf(value: Record<string, unknown>): Signature {
  const sig = { kind: '', version: '', name: '', namespace: '' };
  let generateName = '';
  let error: string | undefined;
  const fail = (m: string) => (error ??= `error unmarshaling JSON: while decoding JSON: ${m}`);
  const metadataFields: Field[] = [
    { name: 'Name', set: (s) => (sig.name = s) },
    { name: 'Namespace', set: (s) => (sig.namespace = s) },
    { name: 'GenerateName', set: (s) => (generateName = s) },
  ];
  decodeStruct(
    value,
    [
      { name: 'APIVersion', set: (s) => (sig.version = s) },
      { name: 'Kind', set: (s) => (sig.kind = s) },
      { name: 'Metadata', type: METADATA_TYPE, path: 'Metadata', struct: (m) => decodeStruct(m, metadataFields, '.Metadata', fail) },
    ],
    '',
    fail,
  );
  if (generateName !== '') sig.name = `${generateName}{{ generateName }}`;
  if (error === undefined && sig.kind === '') error = "missing 'kind' key";
  if (error === undefined && sig.version === '') error = "missing 'apiVersion' key";
  return error === undefined ? sig : { ...sig, error };
}
