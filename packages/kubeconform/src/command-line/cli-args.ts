/** Command-line parsing with Go's `flag` package rules (spec §1). */
import { OUTPUT_FORMATS } from '../output/outputs';
import type { OutputFormat } from '../output/outputs';

export interface CliConfig {
  schemaLocations: string[];
  kubernetesVersion: string;
  strict: boolean;
  ignoreMissingSchemas: boolean;
  skip: string[];
  reject: string[];
  output: OutputFormat;
  summary: boolean;
  verbose: boolean;
  n: number;
  cache: string;
  exitOnError: boolean;
  ignoreFilenamePatterns: string[];
  insecureSkipTlsVerify: boolean;
  debug: boolean;
  help: boolean;
  version: boolean;
  /** score-nx extension (not a kubeconform flag): also run @score-nx/admission's checks. */
  admission: boolean;
  files: string[];
}

export const USAGE = `Usage: kubeconform [OPTION]... [FILE OR FOLDER]...
  -cache string
    \tcache schemas downloaded via HTTP to this folder
  -debug
    \tprint debug information
  -exit-on-error
    \timmediately stop execution when the first error is encountered
  -h\tshow help information
  -ignore-filename-pattern value
    \tregular expression specifying paths to ignore (can be specified multiple times)
  -ignore-missing-schemas
    \tskip files with missing schemas instead of failing
  -insecure-skip-tls-verify
    \tdisable verification of the server's SSL certificate. This will make your HTTPS connections insecure
  -kubernetes-version value
    \tversion of Kubernetes to validate against, e.g.: 1.18.0 (default master)
  -n int
    \tnumber of goroutines to run concurrently (default 4)
  -output string
    \toutput format - json, junit, pretty, tap, text (default "text")
  -reject string
    \tcomma-separated list of kinds or GVKs to reject
  -schema-location value
    \toverride schemas location search path (can be specified multiple times)
  -skip string
    \tcomma-separated list of kinds or GVKs to ignore
  -strict
    \tdisallow additional properties not in schema or duplicated keys
  -summary
    \tprint a summary at the end (ignored for junit output)
  -v\tshow version information
  -verbose
    \tprint results for all resources (ignored for tap and junit output)

score-nx extensions (not kubeconform flags; off unless given):
  -admission
    \talso run what the API server would reject: CRD CEL rules, native validation (@score-nx/admission)
`;

export class UsageError extends Error {}

const BOOLS = new Set(['strict', 'ignore-missing-schemas', 'summary', 'verbose', 'exit-on-error', 'insecure-skip-tls-verify', 'debug', 'h', 'v', 'admission']);
const VALUES = new Set(['schema-location', 'kubernetes-version', 'skip', 'reject', 'output', 'n', 'cache', 'ignore-filename-pattern']);

function goBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

const csv = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

/** Parses argv; throws UsageError whose message is what Go prints before the usage text. */
export function parseArgs(argv: string[]): CliConfig {
  const c: CliConfig = {
    schemaLocations: [],
    kubernetesVersion: 'master',
    strict: false,
    ignoreMissingSchemas: false,
    skip: [],
    reject: [],
    output: 'text',
    summary: false,
    verbose: false,
    n: 4,
    cache: '',
    exitOnError: false,
    ignoreFilenamePatterns: [],
    insecureSkipTlsVerify: false,
    debug: false,
    help: false,
    version: false,
    admission: false,
    files: [],
  };
  let outputRaw = 'text';
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.length < 2 || a[0] !== '-') break;
    let numMinuses = 1;
    if (a[1] === '-') {
      numMinuses++;
      if (a.length === 2) {
        i++;
        break;
      }
    }
    let name = a.slice(numMinuses);
    if (name.length === 0 || name[0] === '-' || name[0] === '=') throw new UsageError(`bad flag syntax: ${a}`);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (name === 'help') {
      c.help = true;
      continue;
    }
    if (BOOLS.has(name)) {
      let b = true;
      if (value !== undefined) {
        const parsed = goBool(value);
        if (parsed === undefined) throw new UsageError(`invalid boolean value ${JSON.stringify(value)} for -${name}: parse error`);
        b = parsed;
      }
      switch (name) {
        case 'strict': c.strict = b; break;
        case 'ignore-missing-schemas': c.ignoreMissingSchemas = b; break;
        case 'summary': c.summary = b; break;
        case 'verbose': c.verbose = b; break;
        case 'exit-on-error': c.exitOnError = b; break;
        case 'insecure-skip-tls-verify': c.insecureSkipTlsVerify = b; break;
        case 'debug': c.debug = b; break;
        case 'h': c.help = b; break;
        case 'v': c.version = b; break;
        case 'admission': c.admission = b; break;
      }
      continue;
    }
    if (!VALUES.has(name)) throw new UsageError(`flag provided but not defined: -${name}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
      value = argv[++i]!;
    }
    switch (name) {
      case 'schema-location': c.schemaLocations.push(value); break;
      case 'ignore-filename-pattern': c.ignoreFilenamePatterns.push(value); break;
      case 'skip': c.skip = csv(value); break;
      case 'reject': c.reject = csv(value); break;
      case 'output': outputRaw = value; break;
      case 'cache': c.cache = value; break;
      case 'n': {
        if (!/^[-+]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(value)) throw new UsageError(`invalid value ${JSON.stringify(value)} for flag -n: parse error`);
        c.n = Number.parseInt(value, 10);
        break;
      }
      case 'kubernetes-version':
        if (!/^(master|\d+\.\d+\.\d+)$/.test(value)) {
          throw new UsageError(
            `invalid value ${JSON.stringify(value)} for flag -kubernetes-version: ${value} is not a valid version. Valid values are "master" (default) or full version x.y.z (e.g. "1.27.2")`,
          );
        }
        c.kubernetesVersion = value;
        break;
    }
  }
  c.files = argv.slice(i);
  if (!OUTPUT_FORMATS.includes(outputRaw as OutputFormat)) {
    throw new OutputFormatError("'outputFormat' must be 'json', 'junit', 'pretty', 'tap' or 'text'");
  }
  c.output = outputRaw as OutputFormat;
  return c;
}

/** Reported without the usage text. */
export class OutputFormatError extends Error {}
