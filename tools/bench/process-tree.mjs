// Whole-process measurement of a command and every process it starts: wall time, CPU (user and system apart) and
// peak RSS. nx does not wait for all of its workers (batch processes, plugin workers), so /usr/bin/time alone would
// miss their CPU: the process tree is sampled from /proc every 50 ms, and each process's last-seen ticks are added.
// /usr/bin/time -v (when present) still gives the peak RSS of the largest single process and the CPU of the waited-for
// tree; the larger of the two CPU figures is reported.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';

const TICKS_PER_SECOND = 100; // sysconf(_SC_CLK_TCK) on Linux
const hasTime = existsSync('/usr/bin/time');

const PAGE_KB = 4;

/** One pass over /proc: per process of the tree under `pid`, its user and system ticks and its RSS (KB). */
export function sampleTree(pid) {
  const parent = new Map();
  const stat = new Map();
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const text = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(p), Number(f[1]));
      stat.set(Number(p), { user: Number(f[11]), sys: Number(f[12]), rssKb: Number(f[21]) * PAGE_KB });
    } catch {
      /* gone */
    }
  }
  const tree = new Map();
  for (const [p, s] of stat) {
    let q = p;
    while (q && q !== pid && parent.has(q)) q = parent.get(q);
    if (q === pid) tree.set(p, s);
  }
  return tree;
}

/**
 * Runs `argv[0] argv[1..]` (no shell) in `cwd` with `env`; resolves to { seconds, cpu, user, sys, peakMb, code, out }.
 * A non-zero exit rejects with the tail of the output.
 */
export function measureProcess(argv, { cwd, env }) {
  return new Promise((done, fail) => {
    const [cmd, ...rest] = hasTime ? ['/usr/bin/time', '-v', ...argv] : argv;
    // Output goes to files, not to pipes: nx exits with process.exit(), which drops what it had not yet written to
    // a socket pair (Node's 'pipe' stdio), so a piped nx run prints a few KB and skips the work of printing the rest.
    const dir = mkdtempSync(join(tmpdir(), 'score-nx-bench-out-'));
    const outFd = openSync(join(dir, 'stdout'), 'w');
    const errFd = openSync(join(dir, 'stderr'), 'w');
    const start = process.hrtime.bigint();
    const child = spawn(cmd, rest, { cwd, env, stdio: ['ignore', outFd, errFd] });
    const seen = new Map();
    const sample = () => {
      for (const [pid, t] of sampleTree(child.pid)) {
        const last = seen.get(pid);
        seen.set(pid, { user: Math.max(last?.user ?? 0, t.user), sys: Math.max(last?.sys ?? 0, t.sys) });
      }
    };
    const sampler = setInterval(sample, 50);
    child.on('error', fail);
    child.on('close', (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      closeSync(outFd);
      closeSync(errFd);
      const out = readFileSync(join(dir, 'stdout'), 'utf8');
      const err = readFileSync(join(dir, 'stderr'), 'utf8');
      rmSync(dir, { recursive: true, force: true });
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      const waitedUser = Number(/User time \(seconds\): ([\d.]+)/.exec(err)?.[1] ?? 0);
      const waitedSys = Number(/System time \(seconds\): ([\d.]+)/.exec(err)?.[1] ?? 0);
      let user = 0;
      let sys = 0;
      for (const t of seen.values()) {
        user += t.user / TICKS_PER_SECOND;
        sys += t.sys / TICKS_PER_SECOND;
      }
      if (waitedUser + waitedSys > user + sys) [user, sys] = [waitedUser, waitedSys];
      if (code !== 0) {
        fail(new Error(`${argv.join(' ')} exited ${code}\n${out.slice(-3000)}\n${err.slice(-3000)}`));
        return;
      }
      const round = (x) => Number(x.toFixed(2));
      done({ seconds: round(seconds), cpu: round(user + sys), user: round(user), sys: round(sys), peakMb: rss ? Math.round(Number(rss[1]) / 1024) : NaN, out });
    });
  });
}
