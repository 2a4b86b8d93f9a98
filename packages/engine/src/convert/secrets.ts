import { DocumentError } from '../errors';
import type { DocPath } from '../errors';

/**
 * Secret references travel through placeholder substitution as marker strings, exactly as in score-k8s:
 * `🔐💬<secretName>_<key>💬🔐`. Secret names cannot contain `_`, so the first `_` splits name and key.
 */
const MARKER_START = '🔐💬';
const MARKER_END = '💬🔐';
const MARKER = /🔐💬(.*?)💬🔐/gu;

export interface SecretRef {
  name: string;
  key: string;
}

export function encodeSecretRef(name: string, key: string): string {
  return `${MARKER_START}${name}_${key}${MARKER_END}`;
}

/** Splits a string into literal parts and secret references. */
export function decodeSecretRefs(value: string): Array<string | SecretRef> {
  const parts: Array<string | SecretRef> = [];
  let last = 0;
  for (const m of value.matchAll(MARKER)) {
    if (m.index! > last) parts.push(value.slice(last, m.index));
    const body = m[1]!;
    const split = body.indexOf('_');
    parts.push(split < 0 ? { name: body, key: '' } : { name: body.slice(0, split), key: body.slice(split + 1) });
    last = m.index! + m[0].length;
  }
  if (last < value.length) parts.push(value.slice(last));
  return parts;
}

export function containsSecretRef(value: string): boolean {
  return value.includes(MARKER_START);
}

const FNV1_128_OFFSET = 0x6c62272e07bb014262b821756295c58dn;
const FNV1_128_PRIME = 0x0000000001000000000000000000013bn;
const MASK_128 = (1n << 128n) - 1n;

/** FNV-1 (not 1a), 128 bit, as Go's hash/fnv New128. */
function fnv1of128(bytes: Uint8Array): Buffer {
  let hash = FNV1_128_OFFSET;
  for (const b of bytes) {
    hash = (hash * FNV1_128_PRIME) & MASK_128;
    hash ^= BigInt(b);
  }
  return Buffer.from(hash.toString(16).padStart(32, '0'), 'hex');
}

/** The helper variable name for a secret reference mixed into a value (`__ref_<id>`), as score-k8s names it. */
export function secretRefEnvName(ref: SecretRef): string {
  const id = fnv1of128(Buffer.from(ref.name + ref.key, 'utf8')).toString('base64url').replace(/[_-]/g, '0');
  return `__ref_${id}`;
}

/** Fails when a manifest still carries a secret marker where Kubernetes would see it as plain text. */
export function assertNoSecretRefs(value: unknown, path: DocPath, what: string): void {
  if (typeof value === 'string') {
    if (containsSecretRef(value)) {
      throw new DocumentError(path, `${what} contains a secret reference where only plain text is allowed`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoSecretRefs(v, [...path, i], what));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertNoSecretRefs(v, [...path, k], what);
  }
}
