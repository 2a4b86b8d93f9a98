/**
 * YAML 1.1 scalar resolution as go-yaml v2 (through sigs.k8s.io/yaml) performs it for an untyped
 * target. kubeconform never sees YAML types, only the JSON that sigs.k8s.io/yaml produces, so every
 * plain scalar collapses to null, boolean, float64 or string here.
 */

export type Resolved =
  | { kind: 'null'; value: null }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: number }
  /** An integer above int64's range that fits uint64: a value like any number, but no JSON key. */
  | { kind: 'uint'; value: number; hex: string }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'merge'; value: string };

const MAP: Record<string, Resolved> = Object.create(null);
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) {
  MAP[s] = { kind: 'bool', value: true };
}
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) {
  MAP[s] = { kind: 'bool', value: false };
}
for (const s of ['', '~', 'null', 'Null', 'NULL']) MAP[s] = { kind: 'null', value: null };
for (const s of ['.nan', '.NaN', '.NAN']) MAP[s] = { kind: 'float', value: NaN };
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) MAP[s] = { kind: 'float', value: Infinity };
for (const s of ['-.inf', '-.Inf', '-.INF']) MAP[s] = { kind: 'float', value: -Infinity };
MAP['<<'] = { kind: 'merge', value: '<<' };

// Go's strconv.ParseInt(s, 0, 64) syntax once underscores are gone: optional sign, then a 0x/0o/0b
// prefix, a leading-0 octal, or decimal digits.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/;
// go-yaml v2's yamlStyleFloat.
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;

function parseGoInt(s: string): number {
  let sign = 1;
  let body = s;
  if (body[0] === '+' || body[0] === '-') {
    if (body[0] === '-') sign = -1;
    body = body.slice(1);
  }
  let n: number;
  const p = body.slice(0, 2).toLowerCase();
  if (p === '0x') n = parseInt(body.slice(2), 16);
  else if (p === '0o') n = parseInt(body.slice(2), 8);
  else if (p === '0b') n = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body[0] === '0') n = parseInt(body.slice(1), 8);
  else n = Number(body);
  return sign * n;
}

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The exact value of a Go integer literal (prefixes and sign as strconv.ParseInt with base 0). */
function goBigInt(s: string): bigint | undefined {
  let neg = false;
  let body = s;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  const p = body.slice(0, 2).toLowerCase();
  let v: bigint;
  try {
    if (p === '0x' || p === '0b') v = BigInt(body.toLowerCase());
    else if (p === '0o') v = BigInt(`0o${body.slice(2)}`);
    else if (body.length > 1 && body[0] === '0') v = BigInt(`0o${body.slice(1)}`);
    else v = BigInt(body);
  } catch {
    return undefined;
  }
  return neg ? -v : v;
}

const STRING_HINT = /^[^-+0-9.yYnNtTfFoO~<]/;

export function resolvePlain(s: string): Resolved {
  if (s.length > 0 && STRING_HINT.test(s)) return { kind: 'string', value: s };
  const m = MAP[s];
  if (m !== undefined) return m;
  const c = s.charCodeAt(0);
  if (c === 46 /* . */) {
    if (DOT_FLOAT.test(s)) return { kind: 'float', value: Number(s) };
    return { kind: 'string', value: s };
  }
  if ((c >= 48 && c <= 57) || c === 43 || c === 45) {
    const plain = s.indexOf('_') >= 0 ? s.replace(/_/g, '') : s;
    if (GO_INT.test(plain)) {
      const n = parseGoInt(plain);
      if (Math.abs(n) < 2 ** 63) return { kind: 'int', value: n };
      const big = goBigInt(plain);
      if (big !== undefined && big > INT64_MAX && big <= UINT64_MAX) return { kind: 'uint', value: n, hex: big.toString(16) };
      if (big !== undefined && big >= -INT64_MAX - 1n && big <= INT64_MAX) return { kind: 'int', value: n };
      // Beyond both ranges strconv.ParseFloat decides: decimal digits make a float, anything else a string.
      if (!/^[-+]?[0-9]+$/.test(plain) || !Number.isFinite(Number(plain))) return { kind: 'string', value: s };
      return { kind: 'float', value: Number(plain) };
    }
    if (YAML_FLOAT.test(plain)) {
      const f = Number(plain);
      // strconv.ParseFloat fails with ErrRange (1e400), so go-yaml keeps the scalar as a string.
      return Number.isFinite(f) ? { kind: 'float', value: f } : { kind: 'string', value: s };
    }
  }
  return { kind: 'string', value: s };
}

/** The JSON value of a plain scalar (a `<<` value is just a string). */
export function resolveValue(s: string): unknown {
  if (s.length > 0 && STRING_HINT.test(s)) return s;
  const r = resolvePlain(s);
  return r.kind === 'merge' ? s : r.value;
}

/** strconv.FormatFloat(f, 'g', -1, 64) for finite values. */
export function goFormatFloatG(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const exp = Number(f.toExponential().split('e')[1]);
  if (exp < -4 || exp >= 21) {
    const [mant, e] = f.toExponential().split('e');
    const n = Number(e);
    const sign = n < 0 ? '-' : '+';
    const abs = Math.abs(n);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(f);
}

/** How sigs.k8s.io/yaml turns a resolved mapping key into a JSON object key. */
export function keyToString(r: Resolved): string | undefined {
  switch (r.kind) {
    case 'string':
    case 'merge':
      return r.value;
    case 'bool':
      return r.value ? 'true' : 'false';
    case 'int':
      return String(r.value);
    case 'uint':
      return undefined;
    case 'float':
      if (Number.isNaN(r.value)) return '.nan';
      if (r.value === Infinity) return '.inf';
      if (r.value === -Infinity) return '-.inf';
      return goFormatFloatG(r.value);
    case 'null':
      return undefined;
  }
}

/** %#v of a Go value, as go-yaml prints a duplicated key. */
export function goSyntax(r: Resolved): string {
  switch (r.kind) {
    case 'string':
    case 'merge':
      return JSON.stringify(r.value);
    case 'bool':
      return String(r.value);
    case 'int':
      return String(r.value);
    case 'uint':
      return `0x${r.hex}`;
    case 'float':
      return Number.isFinite(r.value) ? goFormatFloatG(r.value) : String(r.value);
    case 'null':
      return '<nil>';
  }
}

/** Identity used for duplicate-key detection: go-yaml compares keys as typed Go values. */
export function keyIdentity(r: Resolved): string {
  return `${r.kind}:${String(r.value)}`;
}

export function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}
