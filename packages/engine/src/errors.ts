/** A path inside a YAML document: map keys and sequence indexes, outermost first. */
export type DocPath = ReadonlyArray<string | number>;

/** Formats a document path the way error messages print it: `containers.web.variables.PORT`, `args[0]`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

export interface SourcePosition {
  line: number;
  col: number;
  /** Set when the value at the path came from another file than the document's (a service-config override). */
  file?: string;
}

/**
 * An error caused by the user's input (a Score file, a service config, a provisioner definition...).
 * The CLI prints `message` as-is, without a stack trace, and exits 1.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/**
 * A user error tied to a place in a document. `file` and `position` are filled in by the layer that knows the
 * document; code deep in the conversion only knows the document path.
 */
export class DocumentError extends UserError {
  constructor(
    readonly path: DocPath,
    readonly detail: string,
    readonly file?: string,
    readonly position?: SourcePosition,
  ) {
    super(DocumentError.format(path, detail, file, position));
  }

  static format(path: DocPath, detail: string, file?: string, position?: SourcePosition): string {
    const where = file ? `${file}:${position ? `${position.line}:${position.col}` : '1:1'}: ` : '';
    const at = path.length > 0 ? `${formatPath(path)}: ` : '';
    return `${where}${at}${detail}`;
  }

  /** The same error, placed in a file. Keeps an existing placement. */
  inFile(file: string, locate: (path: DocPath) => SourcePosition): DocumentError {
    if (this.file) return this;
    const position = locate(this.path);
    return new DocumentError(this.path, this.detail, position.file ?? file, position);
  }

  /** The same error with its path nested under `prefix` (for errors raised on a sub-document). */
  under(prefix: DocPath): DocumentError {
    if (this.file) return this;
    return new DocumentError([...prefix, ...this.path], this.detail);
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
