import { DocumentError } from '../errors';
import type { DocPath } from '../errors';
import { RefError, substitute } from '../score/placeholders';

/** Resolves one `${...}` reference (its text and its parts) to a value. */
export type Resolver = (ref: string, parts: string[]) => unknown;

/** `${...}` substitution whose errors name the place in score.yaml. */
export function substituteAt(value: string, resolve: Resolver, path: DocPath): string {
  try {
    return substitute(value, resolve);
  } catch (err) {
    if (err instanceof RefError) throw new DocumentError(path, err.message);
    throw err;
  }
}
