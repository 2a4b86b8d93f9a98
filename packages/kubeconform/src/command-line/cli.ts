/** `kubeconform`-compatible command line, in process (spec §1). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { OutputFormatError, USAGE, UsageError, parseArgs } from './cli-args';
import type { CliConfig } from './cli-args';
import { discover } from '../reading/discover';
import { ValidationRun, workerCount } from './parallel';
import { TemplateError } from '../schemas/locations';
import { createOutput } from '../output/outputs';
import type { Writer } from '../output/outputs';
import { PACKAGE_VERSION } from '../version';
import type { ValidationResult, ValidatorOptions } from '../validator/validator';

export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  stdin?: Readable & { isTTY?: boolean };
  cwd?: string;
  /** Colour in `-output pretty` (default true, as kubeconform; score-nx passes false for NO_COLOR or a non-TTY). */
  colour?: boolean;
  /** junit's reported run time; tests inject a constant. */
  clock?: () => number;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

/** Runs kubeconform with `argv` (without the program name); resolves to the exit code. */
export async function runKubeconformCli(argv: string[], io: CliIo): Promise<number> {
  let cfg: CliConfig;
  try {
    cfg = parseArgs(argv);
  } catch (e) {
    if (e instanceof OutputFormatError) {
      io.stderr.write(`${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`${e.message}\n${USAGE}\n`);
      return 1;
    }
    throw e;
  }
  if (cfg.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (cfg.version) {
    io.stdout.write(`v0.7.0 (@score-nx/kubeconform ${PACKAGE_VERSION})\n`);
    return 0;
  }
  const cwd = io.cwd ?? process.cwd();
  if (cfg.cache !== '') {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(path.resolve(cwd, cfg.cache));
    } catch (e) {
      io.stderr.write(`failed opening cache folder ${cfg.cache}: stat ${cfg.cache}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}\n`);
      return 1;
    }
    if (!st.isDirectory()) {
      io.stderr.write(`cache folder ${cfg.cache} is not a directory\n`);
      return 1;
    }
  }
  try {
    return await run(cfg, io, cwd);
  } catch (e) {
    if (e instanceof TemplateError) {
      io.stderr.write(`${e.message}\n`);
      return 1;
    }
    // Anything else is a bug here, not a user error: report it briefly, never a stack trace.
    io.stderr.write(`kubeconform: internal error: ${(e as Error).message}\n`);
    return 1;
  }
}

async function run(cfg: CliConfig, io: CliIo, cwd: string): Promise<number> {
  const validatorOptions: ValidatorOptions = {
    kubernetesVersion: cfg.kubernetesVersion,
    schemaLocations: cfg.schemaLocations,
    strict: cfg.strict,
    ignoreMissingSchemas: cfg.ignoreMissingSchemas,
    skip: cfg.skip,
    reject: cfg.reject,
    cacheDir: cfg.cache === '' ? undefined : path.resolve(cwd, cfg.cache),
    cwd,
    ...(cfg.admission ? { admission: true } : {}),
  };
  const useStdin = cfg.files.length === 0 || (cfg.files.length === 1 && cfg.files[0] === '-');
  const out = createOutput(cfg.output, io.stdout, { summary: cfg.summary, isStdin: useStdin, verbose: cfg.verbose, clock: io.clock, colour: io.colour ?? true });
  let failed = false;
  let stop = false;
  const emit = (r: ValidationResult) => {
    if (stop) return;
    out.write(r);
    if (r.status === 'error' || r.status === 'invalid') {
      failed = true;
      if (cfg.exitOnError) stop = true;
    }
  };
  const deadlock = () => {
    io.stderr.write('fatal error: all goroutines are asleep - deadlock!\n');
    return 2;
  };

  const runner = new ValidationRun(validatorOptions, workerCount(cfg.n));
  try {
    if (useStdin) {
      const stdin = io.stdin ?? (process.stdin as Readable & { isTTY?: boolean });
      if (stdin.isTTY) {
        io.stderr.write('failing to read data from stdin\n');
        return 1;
      }
      const buf = await readAll(stdin);
      if (cfg.n <= 0) {
        // kubeconform's -n 0 deadlocks as soon as a result has to be handed to a validation goroutine.
        let any = false;
        await runner.stream('stdin', buf, () => (any = true), () => false);
        if (any) return deadlock();
      } else await runner.stream('stdin', buf, emit, () => stop);
    } else {
      for (const d of discover(cfg.files, cfg.ignoreFilenamePatterns, cwd)) {
        if (stop) break;
        if (cfg.n <= 0) return deadlock();
        if (d.kind === 'error') {
          emit({ filename: d.path, kind: '', name: '', namespace: '', version: '', status: 'error', msg: d.error });
          continue;
        }
        try {
          await runner.file(d.path, d.abs, emit, () => stop);
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          if (err.syscall === undefined) throw e;
          emit({ filename: d.path, kind: '', name: '', namespace: '', version: '', status: 'error', msg: `open ${d.path}: ${err.message}` });
        }
      }
    }
  } finally {
    await runner.close();
  }
  out.flush();
  return failed ? 1 : 0;
}
