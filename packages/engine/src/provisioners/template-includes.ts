import { posix } from 'node:path';
import { UserError } from '../errors';

/** `{% include "x" %}`, `{% import "x" as y %}`, `{% from "x" import y %}` with a literal name (dynamic names are checked when they render). */
const LITERAL_REFERENCE = /\{%-?\s*(?:include|import|from)\s+(["'])([^"'\n]+)\1/g;

/**
 * Checks, when the library loads, that every `_shared/` part a provisioner's templates (or other shared parts)
 * include or import by a literal name exists. Nunjucks reports a missing template without a
 * position, so without this check the author would not learn which line names it.
 */
export function checkTemplateReferences(templates: ReadonlyMap<string, string>, describe: (name: string) => string): void {
  for (const [name, source] of templates) {
    for (const match of source.matchAll(LITERAL_REFERENCE)) {
      const target = match[2]!;
      const resolved = target.startsWith('./') || target.startsWith('../') ? posix.join(posix.dirname(name), target) : target;
      // Only references into _shared/: a missing file of the provisioner's own folder is reported when it renders.
      if (templates.has(resolved) || !resolved.startsWith('_shared/')) continue;
      const before = source.slice(0, match.index);
      const line = before.split('\n').length;
      const column = match.index - before.lastIndexOf('\n');
      throw new UserError(`${describe(name)}:${line}:${column}: template '${target}' is not in the library's _shared/ folder`);
    }
  }
}
