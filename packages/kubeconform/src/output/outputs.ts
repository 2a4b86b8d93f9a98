/** kubeconform's five output formats, byte for byte (spec §1.5). */
import type { ValidationResult } from '../validator/validator';
import { goFormatFloatG } from '../reading/yaml11';

export type OutputFormat = 'text' | 'json' | 'junit' | 'tap' | 'pretty';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'junit', 'pretty', 'tap', 'text'];

export interface Writer {
  write(s: string): unknown;
}

export interface Output {
  write(r: ValidationResult): void;
  flush(): void;
}

interface Counts {
  valid: number;
  invalid: number;
  errors: number;
  skipped: number;
}

const plural = (n: number) => (n > 1 ? 's' : '');

function summaryLine(c: Counts, nFiles: number, isStdin: boolean): string {
  const n = c.valid + c.invalid + c.errors + c.skipped;
  const where = isStdin ? 'parsing stdin' : `in ${nFiles} file${plural(nFiles)}`;
  return `Summary: ${n} resource${plural(n)} found ${where} - Valid: ${c.valid}, Invalid: ${c.invalid}, Errors: ${c.errors}, Skipped: ${c.skipped}\n`;
}

function count(c: Counts, r: ValidationResult): void {
  if (r.status === 'valid') c.valid++;
  else if (r.status === 'invalid') c.invalid++;
  else if (r.status === 'error') c.errors++;
  else if (r.status === 'skipped') c.skipped++;
}

class TextOutput implements Output {
  private readonly c: Counts = { valid: 0, invalid: 0, errors: 0, skipped: 0 };
  private readonly files = new Set<string>();
  private buf: string[] = [];
  constructor(
    private readonly w: Writer,
    private readonly summary: boolean,
    private readonly isStdin: boolean,
    private readonly verbose: boolean,
  ) {}
  write(r: ValidationResult): void {
    this.files.add(r.filename);
    count(this.c, r);
    const p = r.filename;
    switch (r.status) {
      case 'valid':
        if (this.verbose) this.out(`${p} - ${r.kind} ${r.name} is valid\n`);
        break;
      case 'invalid':
        this.out(`${p} - ${r.kind} ${r.name} is invalid: ${r.msg}\n`);
        break;
      case 'error':
        this.out(r.kind !== '' && r.name !== '' ? `${p} - ${r.kind} ${r.name} failed validation: ${r.msg}\n` : `${p} - failed validation: ${r.msg}\n`);
        break;
      case 'skipped':
        if (this.verbose) this.out(`${p} - ${r.name} ${r.kind} skipped\n`);
        break;
      case 'empty':
        break;
    }
  }
  private out(s: string): void {
    // Batched: one write per result is measurable with 30,000 valid results and -verbose.
    this.buf.push(s);
    if (this.buf.length >= 512) this.drain();
  }
  private drain(): void {
    if (this.buf.length > 0) this.w.write(this.buf.join(''));
    this.buf = [];
  }
  flush(): void {
    this.drain();
    if (this.summary) this.w.write(summaryLine(this.c, this.files.size, this.isStdin));
  }
}

const RESET = '\x1b[0m';
const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';

class PrettyOutput implements Output {
  private readonly c: Counts = { valid: 0, invalid: 0, errors: 0, skipped: 0 };
  private readonly files = new Set<string>();
  constructor(
    private readonly w: Writer,
    private readonly summary: boolean,
    private readonly isStdin: boolean,
    private readonly verbose: boolean,
    private readonly colour: boolean,
  ) {}
  // NO_COLOR and a non-TTY turn colour off (the caller decides); kubeconform itself always colours.
  private get reset(): string {
    return this.colour ? RESET : '';
  }
  private get red(): string {
    return this.colour ? RED : '';
  }
  private get green(): string {
    return this.colour ? GREEN : '';
  }
  private get yellow(): string {
    return this.colour ? YELLOW : '';
  }
  write(r: ValidationResult): void {
    this.files.add(r.filename);
    count(this.c, r);
    const p = r.filename;
    switch (r.status) {
      case 'valid':
        if (this.verbose) this.w.write(`${this.green}\u2714${this.reset} ${p}: ${this.green}${r.kind} ${r.name} is valid${this.reset}\n`);
        break;
      case 'invalid':
        this.w.write(`${this.red}\u2716${this.reset} ${p}: ${this.red}${r.kind} ${r.name} is invalid: ${r.msg}${this.reset}\n`);
        break;
      case 'error':
        // kubeconform's own ordering bug (name after "failed validation:") is kept on purpose.
        this.w.write(
          r.kind !== '' && r.name !== ''
            ? `${this.red}\u2716${this.reset} ${p}: ${this.red}${r.kind} failed validation: ${r.name} ${r.msg}${this.reset}\n`
            : `${this.red}\u2716${this.reset} ${p}: ${this.red}failed validation: ${r.name} ${r.msg}${this.reset}\n`,
        );
        break;
      case 'skipped':
        if (this.verbose) {
          const what = r.kind !== '' && r.name !== '' ? `${r.kind} ${r.name} skipped` : r.kind !== '' ? `${r.kind} skipped` : 'skipped';
          this.w.write(`${this.yellow}-${this.reset} ${p}: ${this.yellow}${what}${this.reset}\n`);
        }
        break;
      case 'empty':
        break;
    }
  }
  flush(): void {
    if (this.summary) this.w.write(summaryLine(this.c, this.files.size, this.isStdin));
  }
}

const JSON_STATUS: Record<ValidationResult['status'], string> = {
  valid: 'statusValid',
  invalid: 'statusInvalid',
  error: 'statusError',
  skipped: 'statusSkipped',
  empty: '',
};

/** Go's json.Marshal escapes HTML-significant characters and the JS line separators. */
export function goJson(v: unknown): string {
  return JSON.stringify(v, null, 2)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

class JsonOutput implements Output {
  private readonly c: Counts = { valid: 0, invalid: 0, errors: 0, skipped: 0 };
  private readonly results: object[] = [];
  constructor(
    private readonly w: Writer,
    private readonly summary: boolean,
    private readonly verbose: boolean,
  ) {}
  write(r: ValidationResult): void {
    count(this.c, r);
    if (!this.verbose && (r.status === 'valid' || r.status === 'skipped' || r.status === 'empty')) return;
    const o: Record<string, unknown> = {
      filename: r.filename,
      kind: r.kind,
      name: r.name,
      version: r.version,
      status: JSON_STATUS[r.status],
      msg: r.status === 'invalid' || r.status === 'error' ? r.msg : '',
    };
    if (r.validationErrors && r.validationErrors.length > 0) o.validationErrors = r.validationErrors;
    this.results.push(o);
  }
  flush(): void {
    const doc: Record<string, unknown> = { resources: this.results };
    if (this.summary) doc.summary = { valid: this.c.valid, invalid: this.c.invalid, errors: this.c.errors, skipped: this.c.skipped };
    this.w.write(goJson(doc) + '\n');
  }
}

class TapOutput implements Output {
  private index = 0;
  constructor(private readonly w: Writer) {}
  write(r: ValidationResult): void {
    this.index++;
    if (this.index === 1) this.w.write('TAP version 13\n');
    const q = `${r.version}/${r.kind}/${r.namespace}/${r.name}`;
    const i = this.index;
    const p = r.filename;
    switch (r.status) {
      case 'valid':
        this.w.write(`ok ${i} - ${p} (${q})\n`);
        break;
      case 'invalid':
        this.w.write(`not ok ${i} - ${p} (${q}): ${r.msg}\n`);
        break;
      case 'empty':
        this.w.write(`ok ${i} - ${p} (empty)\n`);
        break;
      case 'error':
        this.w.write(`not ok ${i} - ${p}: ${r.msg}\n`);
        break;
      case 'skipped':
        this.w.write(`ok ${i} - ${p} (${q}) # skip\n`);
        break;
    }
  }
  flush(): void {
    this.w.write(`1..${this.index}\n`);
  }
}

/** encoding/xml's attribute escaping. */
function xmlAttr(s: string): string {
  return s.replace(/[&<>"'\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c]!);
}

interface Suite {
  name: string;
  id: number;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  cases: string[];
}

class JunitOutput implements Output {
  private readonly c: Counts = { valid: 0, invalid: 0, errors: 0, skipped: 0 };
  private readonly suites = new Map<string, Suite>();
  private readonly start = process.hrtime.bigint();
  constructor(
    private readonly w: Writer,
    private readonly clock: () => number,
  ) {}
  write(r: ValidationResult): void {
    let s = this.suites.get(r.filename);
    if (s === undefined) {
      s = { name: r.filename, id: this.suites.size + 1, tests: 0, failures: 0, errors: 0, skipped: 0, cases: [] };
      this.suites.set(r.filename, s);
    }
    // An empty file still gets its (empty) testsuite, as in kubeconform.
    if (r.status === 'empty') return;
    count(this.c, r);
    const name = r.namespace !== '' ? `${r.namespace}/${r.name}` : r.name;
    const open = `    <testcase name="${xmlAttr(name)}" classname="${xmlAttr(`${r.kind}@${r.version}`)}" time="0">`;
    let inner = '';
    if (r.status === 'invalid') {
      s.failures++;
      inner = `      <failure message="${xmlAttr(r.msg)}" type=""></failure>`;
    } else if (r.status === 'error') {
      s.errors++;
      inner = `      <error message="${xmlAttr(r.msg)}" type=""></error>`;
    } else if (r.status === 'skipped') {
      s.skipped++;
      inner = '      <skipped message=""></skipped>';
    }
    s.tests++;
    s.cases.push(inner === '' ? `${open}</testcase>` : `${open}\n${inner}\n    </testcase>`);
  }
  flush(): void {
    const c = this.c;
    const time = this.clock();
    const head = `<testsuites name="kubeconform" time="${goFormatFloatG(time)}" tests="${c.valid + c.invalid + c.errors + c.skipped}" failures="${c.invalid}" disabled="${c.skipped}" errors="${c.errors}">`;
    if (this.suites.size === 0) {
      this.w.write(`${head}</testsuites>\n`);
      return;
    }
    const lines = [head];
    for (const s of this.suites.values()) {
      const open = `  <testsuite name="${xmlAttr(s.name)}" id="${s.id}" tests="${s.tests}" failures="${s.failures}" errors="${s.errors}" disabled="0" skipped="${s.skipped}">`;
      // encoding/xml's MarshalIndent closes an element without children on the same line.
      if (s.cases.length === 0) lines.push(`${open}</testsuite>`);
      else lines.push(open, ...s.cases, '  </testsuite>');
    }
    lines.push('</testsuites>');
    this.w.write(lines.join('\n') + '\n');
  }
  elapsed(): number {
    return Number(process.hrtime.bigint() - this.start) / 1e9;
  }
}

export interface OutputOptions {
  summary: boolean;
  isStdin: boolean;
  verbose: boolean;
  /** ANSI colour in the pretty output (default true, as kubeconform). */
  colour?: boolean;
  /** junit's run time in seconds; injectable so tests can assert exact XML. */
  clock?: () => number;
}

export function createOutput(format: OutputFormat, w: Writer, o: OutputOptions): Output {
  switch (format) {
    case 'text':
      return new TextOutput(w, o.summary, o.isStdin, o.verbose);
    case 'pretty':
      return new PrettyOutput(w, o.summary, o.isStdin, o.verbose, o.colour ?? true);
    case 'json':
      return new JsonOutput(w, o.summary, o.verbose);
    case 'tap':
      return new TapOutput(w);
    case 'junit': {
      let j: JunitOutput | undefined = undefined;
      j = new JunitOutput(w, o.clock ?? (() => j!.elapsed()));
      return j;
    }
  }
}
