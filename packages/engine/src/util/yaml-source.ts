import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Node } from 'yaml';
import { DocumentError } from '../errors';
import type { DocPath, SourcePosition } from '../errors';

/** A parsed YAML mapping that remembers where each value came from, for error messages. */
export interface YamlSource {
  /** The file name used in messages (as the user gave it, or relative to the workspace). */
  readonly file: string;
  readonly data: Record<string, unknown>;
  /** The position of the deepest node of `path` that exists (the key when the path ends at a map key). */
  locate(path: DocPath): SourcePosition;
  /** A DocumentError placed in this file. */
  error(path: DocPath, detail: string): DocumentError;
}

/** Bounds nesting, so that deep documents fail with a message instead of overflowing the stack further on. */
const MAX_DEPTH = 64;

/** The path to the first value nested deeper than `max` levels, found without recursion. */
function pathDeeperThan(root: unknown, max: number): DocPath | undefined {
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length > max) return path.slice(0, max + 1);
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [k, v] of entries) stack.push({ value: v, path: [...path, k] });
  }
  return undefined;
}

/** Bounds alias expansion so that a "billion laughs" document fails instead of exhausting memory. */
const MAX_ALIAS_COUNT = 1000;

/**
 * Parses one YAML document that must be a mapping. Duplicate keys, tabs used as indentation, several documents,
 * syntax errors and non-mapping roots are errors with line and column.
 */
export function parseYamlMapping(file: string, text: string, what = 'document', options: { exactNumbers?: boolean } = {}): YamlSource {
  const lineCounter = new LineCounter();
  const doc = (() => {
    try {
      return parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
    } catch (err) {
      if (err instanceof RangeError) throw new DocumentError([], `the ${what} is nested too deeply (at most ${MAX_DEPTH} levels)`, file, { line: 1, col: 1 });
      throw err;
    }
  })();
  const pos = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const first = doc.errors[0];
  if (first) {
    const detail = describeYamlError(first.code, first.message, text.slice(first.pos[0]), what);
    throw new DocumentError([], detail, file, pos(first.pos[0]));
  }
  if (!isMap(doc.contents)) {
    const at = doc.contents ? pos(doc.contents.range[0]) : { line: 1, col: 1 };
    const found = doc.contents === null ? 'an empty document' : isSeq(doc.contents) ? 'a sequence' : 'a scalar';
    throw new DocumentError([], `a ${what} must be a YAML mapping, found ${found}`, file, at);
  }
  if (options.exactNumbers) {
    // A number travels on as a JavaScript number and is written back in its shortest form: refuse one whose text
    // that would change (3.10, 1e400, 0x1F, 12345678901234567890123) rather than change it silently.
    let changed: { source: string; value: number; offset: number } | undefined;
    visit(doc, {
      Scalar(_key, node) {
        if (typeof node.value === 'number' && node.source !== undefined && String(node.value) !== node.source && node.range) {
          changed = { source: node.source, value: node.value, offset: node.range[0] };
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (changed) {
      throw new DocumentError([], `the number ${changed.source} would be written as ${String(changed.value)}: quote it ("${changed.source}") to keep the text as written`, file, pos(changed.offset));
    }
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new DocumentError([], `cannot read YAML: ${(err as Error).message}`, file, { line: 1, col: 1 });
  }
  const locate = (path: DocPath): SourcePosition => {
    let node: unknown = doc.contents;
    let best: SourcePosition = node ? pos((node as Node).range![0]) : { line: 1, col: 1 };
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const keyNode = pair.key as Node;
        if (keyNode.range) best = pos(keyNode.range[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        if (item.range) best = pos(item.range[0]);
        node = item;
      } else break;
    }
    return best;
  };
  const tooDeep = pathDeeperThan(data, MAX_DEPTH);
  if (tooDeep) throw new DocumentError(tooDeep, `nested more than ${MAX_DEPTH} levels deep: a ${what} never needs that`, file, locate(tooDeep));
  return {
    file,
    data: data as Record<string, unknown>,
    locate,
    error: (path, detail) => new DocumentError(path, detail, file, locate(path)),
  };
}

function describeYamlError(code: string, message: string, rest: string, what: string): string {
  // yaml's messages repeat the position and quote the source; keep only the first sentence.
  const head = message.split(/ at line \d+, column \d+/)[0]!.trim();
  switch (code) {
    case 'DUPLICATE_KEY': {
      const key = /^[^:\n]*/.exec(rest)![0].trim().replace(/^(["'])(.*)\1$/, '$2');
      return `duplicate key '${key}': map keys must be unique`;
    }
    case 'MULTIPLE_DOCS':
      return `a ${what} holds one YAML document, found more than one`;
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed as indentation';
    default:
      // The parser reports its own stack overflow as a document error.
      if (/Maximum call stack size exceeded/.test(head)) return `the ${what} is nested too deeply (at most ${MAX_DEPTH} levels)`;
      return `invalid YAML: ${head}`;
  }
}
