/**
 * The Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library) on top of @bufbuild/cel: lists, regex,
 * url, ip/cidr, quantity and format, plus cel-go's strings extension that the API server also enables.
 * Custom types (Quantity, URL, IP, CIDR, Format, Optional) are protobuf messages made at run time, because
 * @bufbuild/cel dispatches methods on value types and a message is the one user-definable value type it has.
 */
import { isIP as netIsIP } from 'node:net';
import { create, createFileRegistry } from '@bufbuild/protobuf';
import type { DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { reflect } from '@bufbuild/protobuf/reflect';
import type { ReflectMessage } from '@bufbuild/protobuf/reflect';
import { CelScalar, celEnv, celError, celFunc, celList, celMethod, listType, objectType } from '@bufbuild/cel';
import type { CelEnv, CelFunc, CelList, CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { RE2JS } from 're2js';
import { parseQuantity, compareQuantity, quantityToNumber, addQuantity, negateQuantity } from './quantity';
import type { Quantity } from './quantity';
import { FORMATS } from './names';

const { STRING, BOOL, INT, DOUBLE, DYN } = CelScalar;

const TYPE_NAMES = ['Quantity', 'URL', 'IP', 'CIDR', 'Format', 'Optional'] as const;
const registry = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: 'score_nx_kubernetes_cel.proto',
    package: 'kubernetes',
    syntax: 'proto3',
    messageType: TYPE_NAMES.map((name) => ({ name, field: [{ name: 'value', number: 1, type: 9, label: 1, jsonName: 'value' }] })),
  }),
  () => undefined,
);
const desc = (name: (typeof TYPE_NAMES)[number]): DescMessage => registry.getMessage(`kubernetes.${name}`)!;
const QUANTITY = objectType(desc('Quantity'));
const URL_T = objectType(desc('URL'));
const IP_T = objectType(desc('IP'));
const CIDR_T = objectType(desc('CIDR'));
const FORMAT_T = objectType(desc('Format'));
const OPTIONAL_T = objectType(desc('Optional'));

/** The values are kept as their canonical string; typed state is recomputed from it (cheap, and stateless). */
function box(type: (typeof TYPE_NAMES)[number], value: string): ReflectMessage {
  const d = desc(type);
  return reflect(d, create(d, { value } as never));
}
const unbox = (m: CelValue): string => ((m as ReflectMessage).message as unknown as { value: string }).value;

// ---- lists (library.Lists) -------------------------------------------------------------------------------------

function compareCel(a: CelValue, b: CelValue): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error(`no such overload for comparing ${typeof a} and ${typeof b}`);
}
const items = (l: CelList): CelValue[] => [...l];

const listFuncs: CelFunc[] = [
  celMethod('isSorted', listType(DYN), [], BOOL, function () {
    const v = items(this);
    for (let i = 1; i < v.length; i++) if (compareCel(v[i - 1]!, v[i]!) > 0) return false;
    return true;
  }),
  celMethod('sum', listType(DYN), [], DYN, function () {
    const v = items(this);
    if (v.length === 0) return 0n;
    return v.reduce((acc, x) => ((acc as bigint) + (x as bigint)) as never) as CelValue;
  }),
  celMethod('min', listType(DYN), [], DYN, function () {
    const v = items(this);
    if (v.length === 0) return celError('min called on empty list') as never;
    return v.reduce((a, b) => (compareCel(a, b) <= 0 ? a : b));
  }),
  celMethod('max', listType(DYN), [], DYN, function () {
    const v = items(this);
    if (v.length === 0) return celError('max called on empty list') as never;
    return v.reduce((a, b) => (compareCel(a, b) >= 0 ? a : b));
  }),
  celMethod('indexOf', listType(DYN), [DYN], INT, function (x) {
    return BigInt(items(this).findIndex((e) => compareSafe(e, x)));
  }),
  celMethod('lastIndexOf', listType(DYN), [DYN], INT, function (x) {
    const v = items(this);
    for (let i = v.length - 1; i >= 0; i--) if (compareSafe(v[i]!, x)) return BigInt(i);
    return -1n;
  }),
];
function compareSafe(a: CelValue, b: CelValue): boolean {
  try {
    return compareCel(a, b) === 0;
  } catch {
    return false;
  }
}

// ---- regex (library.Regex): RE2 semantics through re2js ------------------------------------------------------------

const regexFuncs: CelFunc[] = [
  celMethod('find', STRING, [STRING], STRING, function (pattern) {
    const m = RE2JS.compile(pattern).matcher(this);
    return m.find() ? (m.group(0) ?? '') : '';
  }),
  celMethod('findAll', STRING, [STRING], listType(STRING), function (pattern) {
    return findAll(this, pattern, -1);
  }),
  celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (pattern, limit) {
    return findAll(this, pattern, Number(limit));
  }),
];
function findAll(s: string, pattern: string, limit: number): CelList {
  const m = RE2JS.compile(pattern).matcher(s);
  const out: string[] = [];
  while ((limit < 0 || out.length < limit) && m.find()) out.push(m.group(0) ?? '');
  return celList(out);
}

// ---- url (library.URLs) ----------------------------------------------------------------------------------------

/** Go's url.ParseRequestURI as library.URLs uses it: an absolute URI or an absolute path, no fragment. */
function parseUrl(s: string): URL | undefined {
  if (s.includes('#')) return undefined;
  try {
    if (s.startsWith('/')) return new URL(s, 'x-relative:/');
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return undefined;
    return new URL(s);
  } catch {
    return undefined;
  }
}
const urlFuncs: CelFunc[] = [
  celFunc('url', [STRING], URL_T, (s) => (parseUrl(s) ? box('URL', s) : (celError(`URL parse error during conversion from string: ${s}`) as never))),
  celFunc('isURL', [STRING], BOOL, (s) => parseUrl(s) !== undefined),
  celMethod('getScheme', URL_T, [], STRING, function () {
    const u = parseUrl(unbox(this))!;
    return u.protocol === 'x-relative:' ? '' : u.protocol.slice(0, -1);
  }),
  celMethod('getHost', URL_T, [], STRING, function () {
    const u = parseUrl(unbox(this))!;
    return u.protocol === 'x-relative:' ? '' : u.host;
  }),
  celMethod('getHostname', URL_T, [], STRING, function () {
    const u = parseUrl(unbox(this))!;
    return u.protocol === 'x-relative:' ? '' : u.hostname.replace(/^\[(.*)\]$/, '$1');
  }),
  celMethod('getPort', URL_T, [], STRING, function () {
    const u = parseUrl(unbox(this))!;
    return u.port;
  }),
  celMethod('getEscapedPath', URL_T, [], STRING, function () {
    return parseUrl(unbox(this))!.pathname;
  }),
  celMethod('getQuery', URL_T, [], DYN, function () {
    const q = new Map<string, string[]>();
    for (const [k, v] of parseUrl(unbox(this))!.searchParams) q.set(k, [...(q.get(k) ?? []), v]);
    return q as never;
  }),
];

// ---- ip / cidr (library.IP, library.CIDR) -------------------------------------------------------------------------

interface ParsedIp {
  family: 4 | 6;
  bytes: number[];
}
function parseIp(s: string): ParsedIp | undefined {
  // library.IP refuses zones and IPv4-mapped IPv6 addresses, like netip.ParseAddr plus its extra checks.
  if (s.includes('%')) return undefined;
  const family = netIsIP(s);
  if (family === 4) return /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(s) ? { family: 4, bytes: s.split('.').map(Number) } : undefined;
  if (family !== 6) return undefined;
  const bytes = ipv6Bytes(s);
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff && s.includes('.')) return undefined;
  return { family: 6, bytes };
}
function ipv6Bytes(s: string): number[] {
  let head = s;
  let v4: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    v4 = s.slice(lastColon + 1).split('.').map(Number);
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const l = left ? left.split(':').filter((x) => x !== '') : [];
  const r = right ? right.split(':').filter((x) => x !== '') : [];
  const groups = right === undefined ? l : [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
  const bytes = groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
  if (v4.length === 4) bytes.splice(12, 4, ...v4);
  return bytes;
}
function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i]! << 8) | ip.bytes[i + 1]!).toString(16));
  // RFC 5952: the longest run (length >= 2) of zero groups becomes ::.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
interface ParsedCidr {
  ip: ParsedIp;
  prefix: number;
}
function parseCidr(s: string): ParsedCidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (!ip || !/^(0|[1-9]\d*)$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  return { ip, prefix };
}
function mask(ip: ParsedIp, prefix: number): ParsedIp {
  return { family: ip.family, bytes: ip.bytes.map((b, i) => (i * 8 >= prefix ? 0 : i * 8 + 8 <= prefix ? b : b & (0xff << (8 - (prefix - i * 8))) & 0xff)) };
}
const sameIp = (a: ParsedIp, b: ParsedIp) => a.family === b.family && a.bytes.every((x, i) => x === b.bytes[i]);
const cidrContains = (c: ParsedCidr, ip: ParsedIp) => ip.family === c.ip.family && sameIp(mask(ip, c.prefix), mask(c.ip, c.prefix));
const ipOf = (v: CelValue) => parseIp(unbox(v))!;
const cidrOf = (v: CelValue) => parseCidr(unbox(v))!;

const ipFuncs: CelFunc[] = [
  celFunc('ip', [STRING], IP_T, (s) => (parseIp(s) ? box('IP', s) : (celError(`IP Address '${s}' parse error during conversion from string`) as never))),
  celFunc('isIP', [STRING], BOOL, (s) => parseIp(s) !== undefined),
  celFunc('ip.isCanonical', [STRING], BOOL, (s) => {
    const ip = parseIp(s);
    return ip ? formatIp(ip) === s : (celError(`IP Address '${s}' parse error during conversion from string`) as never);
  }),
  celMethod('family', IP_T, [], INT, function () {
    return BigInt(ipOf(this).family);
  }),
  celMethod('isUnspecified', IP_T, [], BOOL, function () {
    return ipOf(this).bytes.every((b) => b === 0);
  }),
  celMethod('isLoopback', IP_T, [], BOOL, function () {
    const ip = ipOf(this);
    return ip.family === 4 ? ip.bytes[0] === 127 : ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
  }),
  celMethod('isLinkLocalMulticast', IP_T, [], BOOL, function () {
    const ip = ipOf(this);
    return ip.family === 4 ? ip.bytes[0] === 224 && ip.bytes[1] === 0 && ip.bytes[2] === 0 : ip.bytes[0] === 0xff && (ip.bytes[1]! & 0x0f) === 0x02;
  }),
  celMethod('isLinkLocalUnicast', IP_T, [], BOOL, function () {
    const ip = ipOf(this);
    return ip.family === 4 ? ip.bytes[0] === 169 && ip.bytes[1] === 254 : ip.bytes[0] === 0xfe && (ip.bytes[1]! & 0xc0) === 0x80;
  }),
  celMethod('isGlobalUnicast', IP_T, [], BOOL, function () {
    const ip = ipOf(this);
    if (ip.family === 4) return !(ip.bytes.every((b) => b === 255) || ip.bytes[0] === 0 || ip.bytes[0] === 127 || ip.bytes[0]! >= 224 || (ip.bytes[0] === 169 && ip.bytes[1] === 254));
    return !(ip.bytes[0] === 0xff || ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0)) || ip.bytes.every((b) => b === 0) || (ip.bytes[0] === 0xfe && (ip.bytes[1]! & 0xc0) === 0x80));
  }),
  celFunc('cidr', [STRING], CIDR_T, (s) => (parseCidr(s) ? box('CIDR', s) : (celError(`network address parse error during conversion from string: ${s}`) as never))),
  celFunc('isCIDR', [STRING], BOOL, (s) => parseCidr(s) !== undefined),
  celMethod('containsIP', CIDR_T, [STRING], BOOL, function (s) {
    const ip = parseIp(s);
    return ip ? cidrContains(cidrOf(this), ip) : (celError(`IP Address '${s}' parse error`) as never);
  }),
  celMethod('containsIP', CIDR_T, [IP_T], BOOL, function (ip) {
    return cidrContains(cidrOf(this), ipOf(ip));
  }),
  celMethod('containsCIDR', CIDR_T, [STRING], BOOL, function (s) {
    const other = parseCidr(s);
    if (!other) return celError(`network address parse error: ${s}`) as never;
    const c = cidrOf(this);
    return other.prefix >= c.prefix && cidrContains(c, other.ip);
  }),
  celMethod('containsCIDR', CIDR_T, [CIDR_T], BOOL, function (o) {
    const c = cidrOf(this);
    const other = cidrOf(o);
    return other.prefix >= c.prefix && cidrContains(c, other.ip);
  }),
  celMethod('ip', CIDR_T, [], IP_T, function () {
    return box('IP', formatIp(cidrOf(this).ip));
  }),
  celMethod('masked', CIDR_T, [], CIDR_T, function () {
    const c = cidrOf(this);
    return box('CIDR', `${formatIp(mask(c.ip, c.prefix))}/${c.prefix}`);
  }),
  celMethod('prefixLength', CIDR_T, [], INT, function () {
    return BigInt(cidrOf(this).prefix);
  }),
  celFunc('string', [IP_T], STRING, (ip) => formatIp(ipOf(ip))),
  celFunc('string', [CIDR_T], STRING, (c) => `${formatIp(cidrOf(c).ip)}/${cidrOf(c).prefix}`),
];

// ---- quantity (library.Quantity) -----------------------------------------------------------------------------------

const q = (v: CelValue): Quantity => parseQuantity(unbox(v))!;
const quantityFuncs: CelFunc[] = [
  celFunc('quantity', [STRING], QUANTITY, (s) => (parseQuantity(s) ? box('Quantity', s) : (celError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`) as never))),
  celFunc('isQuantity', [STRING], BOOL, (s) => parseQuantity(s) !== undefined),
  celMethod('sign', QUANTITY, [], INT, function () {
    return BigInt(Math.sign(compareQuantity(q(this), parseQuantity('0')!)));
  }),
  celMethod('isInteger', QUANTITY, [], BOOL, function () {
    const v = q(this);
    return v.num % v.den === 0n && Number.isSafeInteger(Number(v.num / v.den));
  }),
  celMethod('asInteger', QUANTITY, [], INT, function () {
    const v = q(this);
    if (v.num % v.den !== 0n || !Number.isSafeInteger(Number(v.num / v.den))) return celError('cannot convert value to integer') as never;
    return v.num / v.den;
  }),
  celMethod('asApproximateFloat', QUANTITY, [], DOUBLE, function () {
    return quantityToNumber(q(this));
  }),
  celMethod('isLessThan', QUANTITY, [QUANTITY], BOOL, function (o) {
    return compareQuantity(q(this), q(o)) < 0;
  }),
  celMethod('isGreaterThan', QUANTITY, [QUANTITY], BOOL, function (o) {
    return compareQuantity(q(this), q(o)) > 0;
  }),
  celMethod('compareTo', QUANTITY, [QUANTITY], INT, function (o) {
    return BigInt(compareQuantity(q(this), q(o)));
  }),
  ...(['add', 'sub'] as const).flatMap((name) => [
    celMethod(name, QUANTITY, [QUANTITY], QUANTITY, function (o) {
      return box('Quantity', addQuantity(q(this), name === 'add' ? q(o) : negateQuantity(q(o))));
    }),
    celMethod(name, QUANTITY, [INT], QUANTITY, function (n) {
      const other = parseQuantity(String(n))!;
      return box('Quantity', addQuantity(q(this), name === 'add' ? other : negateQuantity(other)));
    }),
  ]),
];

// ---- format (library.Format) ---------------------------------------------------------------------------------------

const formatFuncs: CelFunc[] = [
  ...Object.keys(FORMATS).map((name) => celFunc(`format.${name}`, [], FORMAT_T, () => box('Format', name))),
  celFunc('format.named', [STRING], OPTIONAL_T, (name) => box('Optional', name in FORMATS ? JSON.stringify({ format: name }) : '')),
  celMethod('validate', FORMAT_T, [STRING], OPTIONAL_T, function (s) {
    const errors = FORMATS[unbox(this)]!(s);
    return box('Optional', errors.length > 0 ? JSON.stringify({ errors }) : '');
  }),
  celMethod('hasValue', OPTIONAL_T, [], BOOL, function () {
    return unbox(this) !== '';
  }),
  celMethod('value', OPTIONAL_T, [], DYN, function () {
    const v = unbox(this);
    if (v === '') return celError('optional.none() dereference') as never;
    const parsed = JSON.parse(v) as { format?: string; errors?: string[] };
    return (parsed.format !== undefined ? box('Format', parsed.format) : celList(parsed.errors!)) as never;
  }),
];

export const KUBERNETES_CEL_FUNCS: CelFunc[] = [...strings, ...listFuncs, ...regexFuncs, ...urlFuncs, ...ipFuncs, ...quantityFuncs, ...formatFuncs];

let shared: CelEnv | undefined;
/** One environment for every rule: the library is stateless, so it is built once per process. */
export function kubernetesCelEnv(): CelEnv {
  shared ??= celEnv({
    funcs: KUBERNETES_CEL_FUNCS,
    re2: {
      compile: (pattern: string) => {
        const re = RE2JS.compile(pattern);
        return { test: (text: string) => re.matcher(text).find() };
      },
    },
  });
  return shared;
}

