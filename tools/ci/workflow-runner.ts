import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { parse } from 'yaml';

/**
 * A GitHub Actions runner for one job of a workflow, as far as these workflows need it: `run:` steps run with
 * `bash --noprofile --norc -eo pipefail` (what `shell: bash` means on a runner) and the runner's variables
 * (GITHUB_*, RUNNER_*, the GITHUB_OUTPUT / GITHUB_ENV files), `${{ }}` expressions are evaluated by GitHub's own
 * expression library, `if:` conditions decide which steps run, and a failing step fails the job. `uses:` steps are
 * actions the test cannot run: each known action has a stand-in with its effect on the job (checkout: the clone
 * the test made; nx-set-shas: NX_BASE/NX_HEAD), an unknown one is an error.
 */

export interface Workflow {
  env?: Record<string, string>;
  permissions?: unknown;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, Job>;
}

export interface Job {
  if?: string;
  permissions?: unknown;
  env?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown[]> };
  steps: Step[];
}

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string | number>;
  with?: Record<string, unknown>;
  'continue-on-error'?: unknown;
}

export interface RunnerEvent {
  name: 'pull_request' | 'push';
  ref: string;
  baseRef?: string;
  headRef?: string;
  number?: number;
  /** What nrwl/nx-set-shas would derive for this run. */
  shas: { base: string; head: string };
}

export interface StepResult {
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  log: string;
}

export interface JobResult {
  result: 'success' | 'failure' | 'skipped';
  steps: StepResult[];
  /** Everything the steps printed, in order. */
  log: string;
}

export function readWorkflow(file: string): Workflow {
  return parse(readFileSync(file, 'utf8')) as Workflow;
}

const STATUS_FUNCTIONS = ['always', 'success', 'failure', 'cancelled'];

/** Evaluates one `${{ }}` expression (its inside) against the context. */
export function evaluate(expression: string, context: Record<string, unknown>, jobFailed = false): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const ast = new Parser(lexed.tokens, Object.keys(context), [...STATUS_FUNCTIONS.map((name) => ({ name, minArgs: 0, maxArgs: 0 })), { name: 'hashFiles', minArgs: 1, maxArgs: 255 }]).parse();
  const status: Record<string, boolean> = { always: true, success: !jobFailed, failure: jobFailed, cancelled: false };
  const functions = new Map<string, FunctionDefinition>(
    STATUS_FUNCTIONS.map((name) => [name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status[name]!) }]),
  );
  // The evaluator looks functions up by their lower-cased name.
  functions.set('hashfiles', { name: 'hashFiles', minArgs: 1, maxArgs: 255, call: (...args: data.ExpressionData[]) => new data.StringData(hashFiles(args.map((a) => a.coerceString()), context)) });
  const dictionary = JSON.parse(JSON.stringify(context), data.reviver) as data.Dictionary;
  return new Evaluator(ast, dictionary, functions).evaluate();
}

/**
 * GitHub's hashFiles(): the sha256 of the sha256 of each matching file under the workspace, '' when none matches.
 * Only literal paths are supported (the workflows use no globs in it).
 */
function hashFiles(paths: string[], context: Record<string, unknown>): string {
  const workspace = (context['github'] as { workspace?: string } | undefined)?.workspace ?? process.cwd();
  if (paths.some((p) => /[*?[\]]/.test(p))) throw new Error(`hashFiles: globs are not supported by this runner (${paths.join(', ')})`);
  const files = paths.map((p) => join(workspace, p)).filter((f) => existsSync(f));
  if (files.length === 0) return '';
  const outer = createHash('sha256');
  for (const f of files) outer.update(createHash('sha256').update(readFileSync(f)).digest());
  return outer.digest('hex');
}

/** A value with `${{ }}` parts replaced by their values, as the runner does for `env:` and `with:`. */
export function interpolate(value: string, context: Record<string, unknown>): string {
  return value.replace(/\$\{\{(.*?)\}\}/gs, (_, inner: string) => evaluate(inner.trim(), context).coerceString());
}

/** A condition: `if:` values may be written with or without `${{ }}`; status functions other than success() opt out of the default. */
function condition(expression: string | undefined, context: Record<string, unknown>, jobFailed: boolean): boolean {
  if (expression === undefined) return !jobFailed;
  const inner = expression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
  const usesStatus = /\b(always|failure|cancelled|success)\(\)/.test(inner);
  const value = truthy(evaluate(inner, context, jobFailed));
  return usesStatus ? value : value && !jobFailed;
}

/** key=value lines and `key<<DELIMITER` blocks, the format of GITHUB_OUTPUT and GITHUB_ENV. */
export function parseCommandFile(content: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]!);
      if (i >= lines.length) throw new Error(`unterminated ${heredoc[1]}<<${heredoc[2]} block`);
      values[heredoc[1]!] = body.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
    } else if (line.trim() !== '') {
      throw new Error(`not a key=value line: ${line}`);
    }
  }
  return values;
}

export interface RunJobOptions {
  workflow: Workflow;
  jobName: string;
  /** The clone the job works in (GITHUB_WORKSPACE). */
  workspace: string;
  event: RunnerEvent;
  matrix?: Record<string, unknown>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Variables of the machine (PATH, HOME, npm's cache settings...). */
  machineEnv: Record<string, string>;
}

/** Runs one job (one matrix combination) to its end and reports each step. */
export function runJob(options: RunJobOptions): JobResult {
  const { workflow, jobName, workspace, event } = options;
  const job = workflow.jobs[jobName];
  if (!job) throw new Error(`no job '${jobName}'`);
  const runnerTemp = mkdtempSync(join(tmpdir(), 'score-nx-runner-'));
  try {
    const sha = git(workspace, ['rev-parse', 'HEAD']);
    const github = {
      event_name: event.name,
      ref: event.ref,
      sha,
      base_ref: event.baseRef ?? '',
      head_ref: event.headRef ?? '',
      workspace,
      repository: 'platform/services',
      job: jobName,
      run_id: '1',
      run_number: '1',
      event: event.number !== undefined ? { number: event.number, pull_request: { number: event.number } } : {},
    };
    const context: Record<string, unknown> = {
      github,
      vars: options.vars ?? {},
      secrets: options.secrets ?? {},
      matrix: options.matrix ?? {},
      runner: { os: 'Linux', temp: runnerTemp },
      steps: {},
      env: {},
    };
    if (job.if !== undefined && !condition(job.if, context, false)) return { result: 'skipped', steps: [], log: '' };

    const githubEnvFile = join(runnerTemp, 'github_env');
    writeFileSync(githubEnvFile, '');
    const baseEnv: Record<string, string> = {
      ...options.machineEnv,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: event.name,
      GITHUB_REF: event.ref,
      GITHUB_SHA: sha,
      GITHUB_BASE_REF: event.baseRef ?? '',
      GITHUB_HEAD_REF: event.headRef ?? '',
      GITHUB_REPOSITORY: github.repository,
      GITHUB_JOB: jobName,
      GITHUB_RUN_ID: github.run_id,
      GITHUB_ENV: githubEnvFile,
      GITHUB_PATH: join(runnerTemp, 'github_path'),
      GITHUB_STEP_SUMMARY: join(runnerTemp, 'step_summary'),
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: runnerTemp,
    };
    const evalEnv = (env: Record<string, string | number> | undefined) =>
      Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, interpolate(String(v), context)]));
    const workflowEnv = evalEnv(workflow.env);
    context['env'] = workflowEnv;
    const jobEnv = { ...workflowEnv, ...evalEnv(job.env) };
    context['env'] = jobEnv;

    const results: StepResult[] = [];
    let failed = false;
    let log = '';
    for (const [index, step] of job.steps.entries()) {
      const name = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? `step ${index + 1}`;
      if (step['continue-on-error'] !== undefined) throw new Error(`${name}: continue-on-error is not emulated`);
      const exported = parseCommandFile(readFileSync(githubEnvFile, 'utf8'));
      context['env'] = { ...jobEnv, ...exported };
      if (!condition(step.if, context, failed)) {
        results.push({ name, outcome: 'skipped', outputs: {}, log: '' });
        if (step.id) (context['steps'] as Record<string, unknown>)[step.id] = { outcome: 'skipped', conclusion: 'skipped', outputs: {} };
        continue;
      }
      const stepEnv = { ...baseEnv, ...jobEnv, ...exported, ...evalEnv(step.env) };
      const outputFile = join(runnerTemp, `output-${index}`);
      writeFileSync(outputFile, '');
      let outcome: StepResult['outcome'];
      let stepLog: string;
      if (step.run !== undefined) {
        const shell = step.shell ?? workflow.defaults?.run?.shell;
        if (shell !== 'bash') throw new Error(`${name}: only 'shell: bash' is emulated (got ${shell ?? 'the default'})`);
        if (/\$\{\{/.test(step.run)) throw new Error(`${name}: an expression spliced into the script; pass it through env:`);
        const script = join(runnerTemp, `step-${index}.sh`);
        writeFileSync(script, step.run);
        const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
          cwd: workspace,
          env: { ...stepEnv, GITHUB_OUTPUT: outputFile },
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        stepLog = `${r.stdout}${r.stderr}`;
        outcome = r.status === 0 ? 'success' : 'failure';
      } else if (step.uses !== undefined) {
        const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), context)]));
        ({ outcome, log: stepLog } = standInAction(step.uses, inputs, { workspace, event, githubEnvFile }));
      } else {
        throw new Error(`${name}: neither run nor uses`);
      }
      const outputs = parseCommandFile(readFileSync(outputFile, 'utf8'));
      log += `::step ${name} (${outcome})\n${stepLog}`;
      results.push({ name, outcome, outputs, log: stepLog });
      if (step.id) (context['steps'] as Record<string, unknown>)[step.id] = { outcome, conclusion: outcome, outputs };
      if (outcome === 'failure') failed = true;
    }
    return { result: failed ? 'failure' : 'success', steps: results, log };
  } finally {
    rmSync(runnerTemp, { recursive: true, force: true });
  }
}

interface StandInContext {
  workspace: string;
  event: RunnerEvent;
  githubEnvFile: string;
}

/** What each third-party action does to the job, for the steps that follow it. */
function standInAction(uses: string, inputs: Record<string, string>, ctx: StandInContext): { outcome: 'success' | 'failure'; log: string } {
  const action = uses.replace(/@.*$/, '');
  switch (action) {
    case 'actions/checkout': {
      // The test made the clone; what matters to later steps is its history (affected, pinned releases).
      if (inputs['fetch-depth'] !== '0') return { outcome: 'failure', log: 'checkout: the job needs the full history (fetch-depth: 0)\n' };
      const shallow = existsSync(join(ctx.workspace, '.git', 'shallow'));
      return { outcome: shallow ? 'failure' : 'success', log: shallow ? 'checkout: the test clone is shallow\n' : '' };
    }
    case 'actions/setup-node': {
      const major = Number(process.versions.node.split('.')[0]);
      const wanted = Number(inputs['node-version']);
      return major >= wanted ? { outcome: 'success', log: `node ${process.versions.node}\n` } : { outcome: 'failure', log: `setup-node: node ${wanted} wanted, ${process.versions.node} here\n` };
    }
    case 'nrwl/nx-set-shas':
      appendFileSync(ctx.githubEnvFile, `NX_BASE=${ctx.event.shas.base}\nNX_HEAD=${ctx.event.shas.head}\n`);
      return { outcome: 'success', log: `NX_BASE=${ctx.event.shas.base} NX_HEAD=${ctx.event.shas.head}\n` };
    case 'actions/upload-artifact':
      if (!inputs['name'] || !inputs['path']) return { outcome: 'failure', log: 'upload-artifact: name and path are required\n' };
      return { outcome: 'success', log: `artifact ${inputs['name']}: ${inputs['path']}\n` };
    case 'marocchino/sticky-pull-request-comment': {
      const file = join(ctx.workspace, inputs['path'] ?? '');
      if (!inputs['path'] || !existsSync(file)) return { outcome: 'failure', log: `sticky comment: no file ${inputs['path'] ?? ''}\n` };
      return { outcome: 'success', log: `comment ${inputs['header'] ?? ''}: ${readFileSync(file, 'utf8').length} characters\n` };
    }
    default:
      throw new Error(`no stand-in for the action ${uses}: add one to tools/ci/workflow-runner.ts`);
  }
}

export function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
