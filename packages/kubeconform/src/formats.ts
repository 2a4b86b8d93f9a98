/**
 * The formats santhosh-tekuri/jsonschema v6 asserts (for Draft 4 CRD schemas only), with kubeconform's
 * duration override. Formats not listed here (int32, int64, byte, ...) are deliberately absent so that
 * ajv ignores them, as kubeconform does.
 */
import { isIPv6 } from 'node:net';
import { isRe2 } from './re2';

export const FORMATS_MODULE_ID = 'score-nx-kubeconform:formats';

type Check = (s: string) => string | undefined; // undefined = valid, else v6's reason text

function daysIn(y: number, m: number): number {
  return [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

const date: Check = (s) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return 'must be yyyy-mm-dd';
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12) return 'month out of range';
  if (d < 1 || d > daysIn(y, mo)) return 'day out of range';
  return undefined;
};

const time: Check = (s) => {
  const m = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?([zZ]|[+-](\d{2}):(\d{2}))$/.exec(s);
  if (!m) return 'must be hh:mm:ss[.frac](z|±hh:mm)';
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const sec = Number(m[3]);
  if (h > 23 || mi > 59 || sec > 60) return 'hour, minute or second out of range';
  if (m[6] !== undefined && (Number(m[6]) > 23 || Number(m[7]) > 59)) return 'timezone offset out of range';
  return undefined;
};

const dateTime: Check = (s) => {
  if (s.length < 20) return 'less than 20 characters long';
  if (s[10] !== 't' && s[10] !== 'T') return '11th character must be t or T';
  const d = date(s.slice(0, 10));
  if (d !== undefined) return `invalid date element: ${d}`;
  const t = time(s.slice(11));
  if (t !== undefined) return `invalid time element: ${t}`;
  return undefined;
};

const GO_DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const ISO_DURATION = /^P(?:(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?|\d+W)$/;
const duration: Check = (s) =>
  s === '0' || GO_DURATION.test(s) || (s !== 'P' && !s.endsWith('T') && ISO_DURATION.test(s)) ? undefined : 'invalid duration';

const hostname: Check = (s) => {
  const h = s.endsWith('.') ? s.slice(0, -1) : s;
  if (h.length === 0 || h.length > 253) return 'invalid length';
  for (const label of h.split('.')) {
    if (label.length < 1 || label.length > 63) return 'label length must be in range 1-63';
    if (!/^[A-Za-z0-9-]+$/.test(label)) return 'invalid character';
    if (label.startsWith('-') || label.endsWith('-')) return 'label cannot start or end with hyphen';
  }
  return undefined;
};

const ipv4: Check = (s) => {
  const parts = s.split('.');
  if (parts.length !== 4) return 'expected four decimals';
  for (const p of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return 'invalid decimal';
  }
  return undefined;
};

const email: Check = (s) => {
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return 'missing @';
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64) return 'local part too long';
  if (domain.startsWith('[') && domain.endsWith(']')) {
    const ip = domain.slice(1, -1);
    return ip.startsWith('IPv6:') ? (isIPv6(ip.slice(5)) ? undefined : 'invalid ipv6') : ipv4(ip);
  }
  return hostname(domain);
};

const uri: Check = (s) => {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return 'no scheme';
  try {
    new URL(s);
    return undefined;
  } catch {
    return 'invalid uri';
  }
};
const uriReference: Check = (s) => (/[\s\\]/.test(s) ? 'invalid uri-reference' : undefined);
const uriTemplate: Check = (s) => (/^(?:[^{}]|\{[^{}]+\})*$/.test(s) ? undefined : 'invalid uri-template');
const jsonPointer: Check = (s) => (s === '' || /^(?:\/(?:[^~/]|~[01])*)+$/.test(s) ? undefined : 'invalid json-pointer');
const relativeJsonPointer: Check = (s) => {
  const m = /^(0|[1-9]\d*)(.*)$/.exec(s);
  if (!m) return 'invalid relative-json-pointer';
  return m[2] === '#' || jsonPointer(m[2]!) === undefined ? undefined : 'invalid relative-json-pointer';
};
const uuid: Check = (s) => (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s) ? undefined : 'invalid uuid');
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const semver: Check = (s) => (SEMVER.test(s) ? undefined : 'invalid semver');
const period: Check = (s) => {
  const parts = s.split('/');
  if (parts.length !== 2) return 'invalid period';
  const [a, b] = parts as [string, string];
  const okA = dateTime(a) === undefined || (a.startsWith('P') && duration(a) === undefined);
  const okB = dateTime(b) === undefined || (b.startsWith('P') && duration(b) === undefined);
  return okA && okB && !(a.startsWith('P') && b.startsWith('P')) ? undefined : 'invalid period';
};

export const FORMAT_CHECKS: Record<string, Check> = {
  'date-time': dateTime,
  date,
  time,
  duration,
  period,
  hostname,
  email,
  ipv4,
  ipv6: (s) => (isIPv6(s) && !s.includes('%') ? undefined : 'invalid ipv6'),
  uri,
  iri: uri,
  'uri-reference': uriReference,
  'iri-reference': uriReference,
  'uri-template': uriTemplate,
  'json-pointer': jsonPointer,
  'relative-json-pointer': relativeJsonPointer,
  uuid,
  semver,
  regex: (s) => (isRe2(s) ? undefined : 'invalid regex'),
};

/** ajv `formats` option: string formats only; other JSON types pass, as in v6. */
export const formats: Record<string, { type: 'string'; validate: (s: string) => boolean }> = Object.fromEntries(
  Object.entries(FORMAT_CHECKS).map(([name, check]) => [name, { type: 'string' as const, validate: (s: string) => check(s) === undefined }]),
);

export function formatReason(name: string, value: string): string | undefined {
  return FORMAT_CHECKS[name]?.(value);
}
