import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cutRelease } from '@score-nx/engine';
import { tempWorkspace } from './workspace';

export interface NxGitWorkspace {
  root: string;
  dispose: () => void;
  git: (...args: string[]) => string;
  /** Stages everything and commits it. */
  commit: (message: string) => void;
}

/**
 * A temp git workspace for the real nx binary: `files` plus package.json, .gitignore and an nx.json loading this
 * plugin, node_modules linked to this repository's, committed, with provisioner release 1.0.0 cut and committed
 * (the prod environment of sampleWorkspace() pins it).
 */
export function nxGitWorkspace(repoRoot: string, name: string, files: Record<string, string>): NxGitWorkspace {
  const { root, dispose } = tempWorkspace(
    {
      ...files,
      'package.json': `{ "name": "${name}", "private": true }\n`,
      '.gitignore': 'node_modules\ndist\n.nx\n',
      'nx.json': JSON.stringify({ neverConnectToCloud: true, defaultBase: 'main', plugins: [{ plugin: '@score-nx/nx-plugin', options: {} }] }, null, 2),
    },
    `score-nx-${name}-`,
  );
  rmSync(join(root, 'provisioner-releases.yaml'));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' }).toString().trim();
  const commit = (message: string) => {
    git('add', '-A');
    git('-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-q', '-m', message);
  };
  git('init', '-q', '-b', 'main');
  commit('init');
  cutRelease(root, '1.0.0');
  commit('release 1.0.0');
  return { root, dispose, git, commit };
}
