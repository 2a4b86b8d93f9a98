/**
 * resource.Quantity (k8s.io/apimachinery/pkg/api/resource, ParseQuantity) as an exact fraction, for the CEL
 * quantity library and for native checks (requests <= limits).
 */
export interface Quantity {
  num: bigint;
  den: bigint;
}

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
function norm(num: bigint, den: bigint): Quantity {
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/** undefined when `s` is not a quantity. */
export function parseQuantity(s: string): Quantity | undefined {
  const m = QUANTITY.exec(s.trim() === s ? s : '');
  if (!m) return undefined;
  const [, sign, digits, suffix = ''] = m as unknown as [string, string, string, string | undefined];
  const [int, frac = ''] = digits.split('.');
  let num = BigInt((int || '0') + frac) * (sign === '-' ? -1n : 1n);
  let den = 10n ** BigInt(frac.length);
  if (suffix in BINARY) num *= 2n ** BigInt(BINARY[suffix]!);
  else {
    const exp = suffix in DECIMAL ? DECIMAL[suffix]! : Number(suffix.slice(1));
    if (Math.abs(exp) > 1000) return undefined;
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  return norm(num, den);
}

export function compareQuantity(a: Quantity, b: Quantity): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}
export const quantityToNumber = (q: Quantity): number => Number(q.num) / Number(q.den);
export const negateQuantity = (q: Quantity): Quantity => ({ num: -q.num, den: q.den });

/** The sum in canonical decimal form (exact: the denominators here are powers of ten or one). */
export function addQuantity(a: Quantity, b: Quantity): string {
  const s = norm(a.num * b.den + b.num * a.den, a.den * b.den);
  if (s.den === 1n) return s.num.toString();
  let scale = 0;
  let den = s.den;
  while (den % 10n === 0n) [den, scale] = [den / 10n, scale + 1];
  // A binary suffix never divides, so den is a power of ten here; otherwise fall back to nanos, as Quantity rounds.
  if (den !== 1n) return `${(s.num * 1_000_000_000n) / s.den}n`;
  return `${s.num}e-${scale}`;
}
