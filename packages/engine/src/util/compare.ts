/**
 * The one string order of the engine: UTF-16 code units, as `Array.prototype.sort` without a comparator,
 * independent of locale. Every sorted key, name and file of the output uses it.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
