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

/** Go's %q of one character. */
function goQuoteRune(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '\\') return "'\\\\'";
  const c = ch.codePointAt(0)!;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  return `'${ch}'`;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Go's time.Parse(s, "2006-01-02"): its error texts, element by element. */
const date: Check = (s) => {
  const fail = (rest: string, elem: string) => `parsing time ${JSON.stringify(s)} as "2006-01-02": cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(elem)}`;
  if (!/^\d{4}/.test(s)) return fail(s, '2006');
  if (s[4] !== '-') return fail(s.slice(4), '-');
  if (!/^\d{2}/.test(s.slice(5))) return fail(s.slice(5), '01');
  const mo = Number(s.slice(5, 7));
  if (mo < 1 || mo > 12) return `parsing time ${JSON.stringify(s)}: month out of range`;
  if (s[7] !== '-') return fail(s.slice(7), '-');
  if (!/^\d{2}/.test(s.slice(8))) return fail(s.slice(8), '02');
  if (s.length > 10) return `parsing time ${JSON.stringify(s)}: extra text: ${JSON.stringify(s.slice(10))}`;
  const d = Number(s.slice(8, 10));
  if (d < 1 || d > daysIn(Number(s.slice(0, 4)), mo)) return `parsing time ${JSON.stringify(s)}: day out of range`;
  return undefined;
};

const ATOI = /^[+-]?\d+$/;

/** v6's time check: hh:mm:ss[.frac](z|±hh:mm), a leap second only at 23:59 UTC. */
const time: Check = (str) => {
  if (str.length < 9) return 'less than 9 characters long';
  if (str[2] !== ':' || str[5] !== ':') return 'missing colon in correct place';
  const hms: number[] = [];
  for (const tok of [str.slice(0, 2), str.slice(3, 5), str.slice(6, 8)]) {
    if (!ATOI.test(tok)) return 'invalid hour/min/sec';
    const i = Number(tok);
    if (i < 0) return 'non-positive hour/min/sec';
    hms.push(i);
  }
  let [h, m] = hms as [number, number, number];
  const sec = hms[2]!;
  if (h > 23 || m > 59 || sec > 60) return 'hour/min/sec out of range';
  let rest = str.slice(8);
  if (rest.startsWith('.')) {
    const digits = /^\d*/.exec(rest.slice(1))![0].length;
    if (digits === 0) return 'no digits in second fraction';
    rest = rest.slice(1 + digits);
  }
  if (rest !== 'z' && rest !== 'Z') {
    if (rest.length !== 6) return 'offset must be 6 characters long';
    const sign = rest[0] === '+' ? -1 : rest[0] === '-' ? 1 : 0;
    if (sign === 0) return 'offset must begin with plus/minus';
    const off = rest.slice(1);
    if (off[2] !== ':') return 'missing colon in offset in correct place';
    const zhm: number[] = [];
    for (const tok of [off.slice(0, 2), off.slice(3)]) {
      if (!ATOI.test(tok)) return 'invalid hour/min in offset';
      const i = Number(tok);
      if (i < 0) return 'non-positive hour/min in offset';
      zhm.push(i);
    }
    const [zh, zm] = zhm as [number, number];
    if (zh > 23 || zm > 59) return 'hour/min in offset out of range';
    let hm = h * 60 + m + sign * (zh * 60 + zm);
    if (hm < 0) hm += 24 * 60;
    h = Math.floor(hm / 60);
    m = hm % 60;
  }
  if (sec >= 60 && (h !== 23 || m !== 59)) return 'invalid leap second';
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

const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
/** kubeconform's duration: a Go duration, else v6's ISO 8601 check and its reasons. */
const duration: Check = (v) => {
  if (GO_DURATION.test(v)) return undefined;
  if (!v.startsWith('P')) return 'must start with P';
  let s = v.slice(1);
  if (s === '') return 'nothing after P';
  if (s.endsWith('W')) {
    s = s.slice(0, -1);
    if (s === '') return 'no number in week';
    return /^\d+$/.test(s) ? undefined : 'invalid week';
  }
  const allUnits = ['YMD', 'HMS'];
  const parts = s.split('T');
  for (let i = 0; i < parts.length; i++) {
    let part = parts[i]!;
    if (i !== 0 && part === '') return 'no time elements';
    if (i >= allUnits.length) return 'more than one T';
    let units = allUnits[i]!;
    while (part !== '') {
      const digits = /^\d*/.exec(part)![0].length;
      if (digits === 0) return 'missing number';
      part = part.slice(digits);
      if (part === '') return 'missing unit';
      const unit = part[0]!;
      const j = units.indexOf(unit);
      if (j === -1) return allUnits[i]!.includes(unit) ? `unit ${goQuoteRune(unit)} out of order` : `invalid unit ${goQuoteRune(unit)}`;
      units = units.slice(j + 1);
      part = part.slice(1);
    }
  }
  return undefined;
};

const hostname: Check = (v) => {
  const s = v.endsWith('.') ? v.slice(0, -1) : v;
  if (bytes(s) > 253) return 'more than 253 characters long';
  for (const label of s.split('.')) {
    if (bytes(label) < 1 || bytes(label) > 63) return 'label must be 1 to 63 characters long';
    if (label.startsWith('-')) return 'label starts with hyphen';
    if (label.endsWith('-')) return 'label ends with hyphen';
    for (const ch of label) if (!/[A-Za-z0-9-]/.test(ch)) return `invalid character ${goQuoteRune(ch)}`;
  }
  return undefined;
};

const ipv4: Check = (s) => {
  const groups = s.split('.');
  if (groups.length !== 4) return 'expected four decimals';
  for (const g of groups) {
    if (g.length > 1 && g[0] === '0') return 'leading zeros';
    if (!ATOI.test(g)) return `strconv.Atoi: parsing ${JSON.stringify(g)}: invalid syntax`;
    const n = Number(g);
    if (n < 0 || n > 255) return 'decimal must be between 0 and 255';
  }
  return undefined;
};

const ipv6: Check = (s) => {
  if (!s.includes(':')) return 'missing colon';
  const zone = s.indexOf('%');
  if (!isIPv6(zone >= 0 ? s.slice(0, zone) : s)) return `ParseAddr(${JSON.stringify(s)}): unable to parse IP`;
  if (zone >= 0) return 'zone id is not a part of ipv6 address';
  return undefined;
};

const EMAIL_LOCAL = /[A-Za-z0-9.!#$%&'*+\-/=?^_`{|}~]/;
const email: Check = (s) => {
  if (bytes(s) > 254) return 'more than 255 characters long';
  const at = s.lastIndexOf('@');
  if (at === -1) return 'missing @';
  const local = s.slice(0, at);
  let domain = s.slice(at + 1);
  if (bytes(local) > 64) return 'local part more than 64 characters long';
  if (local.length > 1 && local.startsWith('"')) {
    const inner = local.slice(1, -1);
    if (inner.includes('\\') || inner.includes('"')) return 'backslash and quote are not allowed within quoted local part';
  } else {
    if (local.startsWith('.')) return 'starts with dot';
    if (local.endsWith('.')) return 'ends with dot';
    if (local.includes('..')) return 'consecutive dots';
    for (const ch of local) if (!EMAIL_LOCAL.test(ch)) return `invalid character ${goQuoteRune(ch)}`;
  }
  if (domain.startsWith('[') && domain.endsWith(']')) {
    domain = domain.slice(1, -1);
    if (domain.startsWith('IPv6:')) {
      const e = ipv6(domain.slice(5));
      return e === undefined ? undefined : `invalid ipv6 address: ${e}`;
    }
    const e = ipv4(domain);
    return e === undefined ? undefined : `invalid ipv4 address: ${e}`;
  }
  const e = hostname(domain);
  return e === undefined ? undefined : `invalid domain: ${e}`;
};

const uri: Check = (s) => {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return 'relative url';
  try {
    new URL(s);
    return undefined;
  } catch {
    return `parse ${JSON.stringify(s)}: invalid URI`;
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
  ipv6,
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
