/**
 * Kubernetes resource quantities, re-serialised in canonical form as apimachinery's `resource.Quantity` does:
 * no fractional digits, the largest suffix that keeps the number whole, values below one milli rounded up to 1m,
 * binary suffixes kept only for whole multiples of 1024 that are at least 1024.
 */
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_POWER: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_SUFFIX: Record<number, string> = { [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

type Format = 'binary' | 'decimal' | 'exponent';

export class QuantityError extends Error {}

export function canonicalQuantity(input: string | number): string {
  const text = String(input).trim();
  const m = QUANTITY.exec(text);
  if (!m) throw new QuantityError(`failed to parse '${text}': quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  const [, sign, digits, suffix = ''] = m;
  const [whole, fraction = ''] = digits!.split('.');
  let mantissa = BigInt((whole || '0') + fraction);
  let exponent = -fraction.length;
  let format: Format = 'decimal';
  if (suffix in BINARY_POWER) {
    format = 'binary';
    mantissa *= 1024n ** BigInt(BINARY_POWER[suffix]!);
  } else if (/^[eE]/.test(suffix)) {
    format = 'exponent';
    exponent += Number(suffix.slice(1));
  } else {
    exponent += DECIMAL_EXPONENT[suffix]!;
  }
  // Precision finer than a milli is rounded up (away from zero), as the API server does.
  if (exponent < -3) {
    const divisor = 10n ** BigInt(-3 - exponent);
    mantissa = (mantissa + divisor - 1n) / divisor;
    exponent = -3;
  }
  const negative = sign === '-' && mantissa !== 0n;
  const prefix = negative ? '-' : '';

  if (format === 'binary') {
    const value = wholeValue(mantissa, exponent);
    if (value !== undefined && value >= 1024n) {
      let power = 0;
      let n = value;
      while (power < 6 && n % 1024n === 0n) {
        n /= 1024n;
        power++;
      }
      return `${prefix}${n}${BINARY_SUFFIX[power]}`;
    }
    format = 'decimal';
  }
  // Normalise to the largest exponent that is a multiple of 3 and keeps the mantissa whole.
  while (mantissa !== 0n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  if (mantissa === 0n) return '0';
  let e3 = Math.floor(exponent / 3) * 3;
  mantissa *= 10n ** BigInt(exponent - e3);
  if (format === 'exponent') return `${prefix}${mantissa}${e3 === 0 ? '' : `e${e3}`}`;
  while (e3 > 18) {
    mantissa *= 1000n;
    e3 -= 3;
  }
  return `${prefix}${mantissa}${DECIMAL_SUFFIX[e3]}`;
}

function wholeValue(mantissa: bigint, exponent: number): bigint | undefined {
  if (exponent >= 0) return mantissa * 10n ** BigInt(exponent);
  const divisor = 10n ** BigInt(-exponent);
  return mantissa % divisor === 0n ? mantissa / divisor : undefined;
}
