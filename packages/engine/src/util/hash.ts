import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A short, stable hash of several parts, used where the reference would use randomness or where names must not
 * collide. Parts are NUL-separated so that ('ab','c') and ('a','bc') differ.
 */
export function shortHash(parts: readonly string[], hexChars = 10): string {
  return sha256Hex(parts.join('\0')).slice(0, hexChars);
}
