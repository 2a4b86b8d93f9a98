import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { run } from '../main';

export const REPO_ROOT = resolve(__dirname, '../../../..');

export interface TempWorkspace {
  root: string;
  write(path: string, content: string): void;
  git(...args: string[]): string;
  commit(message: string): void;
  cli(argv: string[], cwd?: string, env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  cleanup(): void;
}

/**
 * A temp git workspace with this repository's environments and library.yaml, the configmap provisioner, and the
 * given files: enough for the CLI to render real services without the rest of the library.
 */
export function tempWorkspace(files: Record<string, string> = {}): TempWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'score-nx-cli-'));
  // Temp workspaces have no release history: every environment uses the library as it is.
  cpSync(join(REPO_ROOT, 'environments'), join(root, 'environments'), { recursive: true });
  for (const file of readdirSync(join(root, 'environments'))) {
    const path = join(root, 'environments', file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^provisioners: .*$/m, 'provisioners: workspace'));
  }
  cpSync(join(REPO_ROOT, 'provisioners', 'library.yaml'), join(root, 'provisioners', 'library.yaml'));
  cpSync(join(REPO_ROOT, 'provisioners', 'configmap'), join(root, 'provisioners', 'configmap'), {
    recursive: true,
    filter: (src) => !src.endsWith('.test.ts') && !src.includes('__golden__'),
  });
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  for (const [p, c] of Object.entries(files)) write(p, c);
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', root, '-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  git('init', '-q', '-b', 'main');
  return {
    root,
    write,
    git,
    commit: (message) => {
      git('add', '-A');
      git('commit', '-q', '-m', message);
    },
    cli: async (argv, cwd = root, env = {}) => {
      let stdout = '';
      let stderr = '';
      const code = await run(argv, {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        cwd,
        env,
      });
      return { code, stdout, stderr };
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function scoreFile(name: string, extra = ''): string {
  return `apiVersion: score.dev/v1b1
metadata:
  name: ${name}
  engineNamespace: team-a
containers:
  main:
    image: "."
service:
  ports:
    http:
      port: 8080
${extra}`;
}

export function serviceConfig(image: string): string {
  return `# Deploy config of this service.
environments:
  dev:
    images:
      main: ${image}   # promoted by CI
  staging:
    images:
      main: ${image}
  prod:
    images:
      main: ${image}
`;
}
