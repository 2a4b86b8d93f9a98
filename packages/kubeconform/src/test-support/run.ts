import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { runKubeconformCli } from '../command-line/cli';
import { crdCatalog, schemasDir, sharedCrdCatalog } from './paths';

// The workspace's own schemas/ (pruned to what the library emits): what a stranger's clone validates with.
// Compiled validators are cached across test files (the cache key covers schema and package version).
process.env.SCORE_NX_KUBECONFORM_CACHE ??= path.join(os.tmpdir(), 'score-nx-kubeconform-test-cache');

export const K8S_LOCATION = path.join(schemasDir, 'kubernetes', '{{ .NormalizedKubernetesVersion }}', '_definitions.json');
export const CRD_LOCATION = path.join(crdCatalog, '{{.Group}}', '{{.ResourceKind}}_{{.ResourceAPIVersion}}.json');
/** The whole CRD catalog beside the clone, for rows about kinds the workspace does not emit (skip when absent). */
export const SHARED_CRD_LOCATION = path.join(sharedCrdCatalog, '{{.Group}}', '{{.ResourceKind}}_{{.ResourceAPIVersion}}.json');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function kubeconform(argv: string[], opts: { cwd?: string; stdin?: string | Buffer } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runKubeconformCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: opts.stdin === undefined ? undefined : Readable.from([Buffer.from(opts.stdin)]),
    cwd: opts.cwd,
    clock: () => 0.5,
  });
  return { code, stdout, stderr };
}

/** Default flags for local built-in + CRD schemas. */
export const LOCAL = ['-kubernetes-version', '1.33.0', '-schema-location', K8S_LOCATION, '-schema-location', CRD_LOCATION];

export function tmpdir(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-test-'));
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

export const deployment = (extra = '', name = 'web') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
${extra}`;
