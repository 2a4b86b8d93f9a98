import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Fingerprints of code that shapes the output but is not a workspace file Nx could hash: the engine (or the
 * validator), its compiled files, the versions of its npm dependencies, and this plugin's compiled executors.
 * Placed in target options, so they are part of every task hash.
 */
const memo = new Map<string, { stamp: string; hash: string }>();

export function packageFingerprint(packageName: string): string {
  const root = packageRoot(packageName);
  if (!root) return `${packageName}@unresolved`;
  const main = join(root, 'dist', 'index.js');
  const stamp = existsSync(main) ? `${statSync(main).mtimeMs}:${statSync(join(root, 'package.json')).mtimeMs}` : 'none';
  const cached = memo.get(root);
  if (cached && cached.stamp === stamp) return cached.hash;
  const h = createHash('sha256');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string; dependencies?: Record<string, string> };
  h.update(`${packageName}@${pkg.version ?? '?'}\n`);
  for (const dep of Object.keys(pkg.dependencies ?? {}).sort()) {
    h.update(`dep ${dep}@${installedVersion(dep, root) ?? 'missing'}\n`);
  }
  hashTree(h, join(root, 'dist'), '');
  const hash = h.digest('hex').slice(0, 16);
  memo.set(root, { stamp, hash });
  return hash;
}

function hashTree(h: ReturnType<typeof createHash>, dir: string, rel: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) hashTree(h, join(dir, entry.name), childRel);
    else if (/\.(js|json)$/.test(entry.name)) h.update(`${childRel}\0`).update(readFileSync(join(dir, entry.name))).update('\n');
  }
}

/** The folder of an installed package (node_modules lookup from this file), or undefined. */
export function packageRoot(packageName: string, from = __dirname): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'node_modules', ...packageName.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function installedVersion(dep: string, from: string): string | undefined {
  const root = packageRoot(dep, from);
  if (!root) return undefined;
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
}

/** The engine plus this plugin's own executors. */
export function generatorFingerprint(): string {
  return `${packageFingerprint('@score-nx/engine')}.${ownFingerprint()}`;
}

export function validatorFingerprint(): string {
  return `${packageFingerprint('@score-nx/kubeconform')}.${packageFingerprint('@score-nx/admission')}.${ownFingerprint()}`;
}

let own: string | undefined;
function ownFingerprint(): string {
  // This plugin's compiled executors (dist/executors). In source (tests) there is nothing compiled to hash.
  if (own === undefined) {
    const h = createHash('sha256');
    hashTree(h, join(__dirname, '..', 'executors'), '');
    own = h.digest('hex').slice(0, 16);
  }
  return own;
}
