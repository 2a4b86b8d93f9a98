import { sha256Hex } from '../util/hash';

/**
 * Kubernetes names from arbitrary parts: lowercase, characters outside [a-z0-9-] become `-`, runs of `-` collapse,
 * no leading or trailing `-`. A name longer than `max` is cut and ends with `-` and 8 hex chars of the sha256 of
 * the full name, so that two long names that share a prefix stay distinct and the result is stable.
 */
export function dnsLabel(parts: readonly string[], max = 63): string {
  const full = parts
    .map((p) => p.toLowerCase().replace(/[^a-z0-9-]+/g, '-'))
    .join('-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (full === '') throw new Error(`cannot make a DNS label from ${JSON.stringify(parts)}`);
  if (full.length <= max) return full;
  const hash = sha256Hex(full).slice(0, 8);
  return `${full.slice(0, max - 9).replace(/-+$/, '')}-${hash}`;
}

/** A DNS subdomain (dot-separated labels, 253 characters at most), e.g. a hostname. */
export function dnsSubdomain(parts: readonly string[], max = 253): string {
  const labels = parts.join('.').split('.').filter((l) => l !== '').map((l) => dnsLabel([l]));
  const full = labels.join('.');
  if (full.length <= max) return full;
  return `${full.slice(0, max - 9).replace(/[-.]+$/, '')}-${sha256Hex(full).slice(0, 8)}`;
}
