export interface Writable {
  write(chunk: string): unknown;
}

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin?: NodeJS.ReadableStream;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Colour allowed: stdout is a TTY and NO_COLOR is unset (the bin decides; tests and pipes get none). */
  colour?: boolean;
  /** The terminal's width, when stdout is one (tables wrap to it). */
  columns?: number;
}

/** Ends a command with this exit code once its output is written (`diff --exit-code`); nothing more is printed. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit code ${code}`);
  }
}

/** Logs go to stderr, always: stdout carries only command output (manifests, tables, JSON). */
export function logger(io: CliIo, quiet = false) {
  return {
    info: (msg: string) => {
      if (!quiet) io.stderr.write(`${msg}\n`);
    },
    warn: (msg: string) => io.stderr.write(`warning: ${msg}\n`),
  };
}
