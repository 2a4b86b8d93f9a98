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

/* eslint-disable no-control-regex -- control characters are what these patterns are about */
/** What a terminal or a log must not receive raw: C0 controls (ESC, CR...) but tab and LF, DEL, C1, U+2028/2029. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;
/** The same and LF: a positioned message is one line, whatever the user's value holds. */
const CONTROLS_AND_NEWLINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
/* eslint-enable no-control-regex */

const escapeChar = (c: string) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);

/**
 * Messages quote user values (keys, names, types): this is the one place they are made printable. Every user
 * error goes through it; a positioned error (DocumentError) also escapes line feeds, so that it stays one line.
 */
export function printableMessage(message: string, oneLine = false): string {
  return message.replace(oneLine ? CONTROLS_AND_NEWLINE : CONTROLS, escapeChar);
}

/**
 * An error caused by the user's input (a Score file, a service config, a provisioner definition...).
 * The CLI prints `message` as-is, without a stack trace, and exits 1. Control characters in it are escaped.
 */
/**
 * Marks a UserError across copies of the engine: a process can load two (the plugin's executors require the built
 * engine lazily, while a test or a bundle holds the sources), and `instanceof` only knows its own copy's class.
 */
const USER_ERROR = Symbol.for('@score-nx/engine:UserError');

export class UserError extends Error {
  override readonly name = 'UserError';
  readonly [USER_ERROR] = true;
  constructor(message: string, options?: ErrorOptions) {
    super(printableMessage(message), options);
  }
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
    return printableMessage(`${where}${at}${detail}`, true);
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
  return err instanceof UserError || (typeof err === 'object' && err !== null && (err as { [USER_ERROR]?: unknown })[USER_ERROR] === true);
}

/** At most this many errors of one file are printed; the rest are counted ("… and 4 more errors"). */
export const MAX_REPORTED_ERRORS = 20;

/**
 * Every error found in one document, reported together in file order (line, then column), so that a typo is not
 * hidden behind the error it causes further down. `errors` keeps them all; the message prints the first
 * {@link MAX_REPORTED_ERRORS}.
 */
export class DocumentErrors extends UserError {
  readonly errors: readonly DocumentError[];

  constructor(errors: readonly DocumentError[]) {
    const ordered = [...errors].sort(compareFilePosition);
    super(DocumentErrors.format(ordered));
    this.errors = ordered;
  }

  static format(ordered: readonly DocumentError[]): string {
    const shown = ordered.slice(0, MAX_REPORTED_ERRORS).map((e) => e.message);
    const more = ordered.length - shown.length;
    if (more > 0) shown.push(`… and ${more} more ${more === 1 ? 'error' : 'errors'}`);
    return shown.join('\n');
  }
}

function compareFilePosition(a: DocumentError, b: DocumentError): number {
  const fileA = a.file ?? '';
  const fileB = b.file ?? '';
  if (fileA !== fileB) return fileA < fileB ? -1 : 1;
  return (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.col ?? 0) - (b.position?.col ?? 0);
}

/** Throws what was collected: nothing for none, the error itself for one, a {@link DocumentErrors} for several. */
export function throwCollected(errors: readonly DocumentError[]): void {
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new DocumentErrors(errors);
}
