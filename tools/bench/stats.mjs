// What every benchmark script here shares: its command-line options, the median of its runs and the machine's load,
// so that the figures in BENCHMARKS.md mean the same thing whichever script printed them.
import { loadavg } from 'node:os';

/** The value after `--<name>` on the command line, or `fallback`. */
export function option(name, fallback, args = process.argv.slice(2)) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

/** The median: the middle value, or the mean of the two middle ones. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The 1-, 5- and 15-minute load averages, as `uptime` prints them. */
export function loadAverage() {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}
