import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { isMap, parseDocument } from 'yaml';
import type { YAMLMap } from 'yaml';
import { UserError } from '../errors';
import { writeFileAtomic } from '../util/files';
import { parseYamlMapping } from '../util/yaml-source';

/**
 * Released versions of the provisioner library are recorded in `provisioner-releases.yaml` at the workspace root:
 * each version names the commit it was cut from and the git tree id of `provisioners/` at that commit. A tree id is
 * a hash of the content, so a release is immutable and can be read offline from any full clone.
 */
export const RELEASES_FILE = 'provisioner-releases.yaml';

export interface Release {
  commit: string;
  tree: string;
}

export function readReleases(workspaceRoot: string): Map<string, Release> {
  const file = join(workspaceRoot, RELEASES_FILE);
  const releases = new Map<string, Release>();
  if (!existsSync(file)) return releases;
  const doc = parseYamlMapping(RELEASES_FILE, readFileSync(file, 'utf8'), 'releases file');
  const list = doc.data['releases'];
  if (list === undefined || list === null) return releases;
  if (typeof list !== 'object' || Array.isArray(list)) throw doc.error(['releases'], 'must be a map of version to {commit, tree}');
  for (const [version, entry] of Object.entries(list as Record<string, unknown>)) {
    if (!semver.valid(version)) throw doc.error(['releases', version], `'${version}' is not a semantic version`);
    const e = entry as Record<string, unknown> | null;
    for (const key of ['commit', 'tree'] as const) {
      if (!e || typeof e[key] !== 'string' || !/^[0-9a-f]{40,64}$/.test(e[key] as string)) {
        throw doc.error(['releases', version, key], 'must be a full git object id');
      }
    }
    releases.set(version, { commit: e!['commit'] as string, tree: e!['tree'] as string });
  }
  return releases;
}

/**
 * Cuts a release of the committed `provisioners/` folder at HEAD and records it. The folder must have no
 * uncommitted change, and the version must be above every released one.
 */
export function cutRelease(workspaceRoot: string, version: string): Release {
  if (!semver.valid(version)) throw new UserError(`'${version}' is not a semantic version (for example 1.2.0)`);
  const releases = readReleases(workspaceRoot);
  const newest = [...releases.keys()].sort(semver.rcompare)[0];
  if (releases.has(version)) throw new UserError(`provisioner library version ${version} is already released`);
  if (newest && !semver.gt(version, newest)) throw new UserError(`version ${version} must be greater than the newest release, ${newest}`);
  const git = (args: string[]) => execFileSync('git', ['-C', workspaceRoot, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  let dirty: string;
  try {
    dirty = git(['status', '--porcelain', '--', 'provisioners']);
  } catch (err) {
    if (isGitMissing(err)) throw new UserError(gitMissingMessage('cutting a release'));
    throw new UserError('cutting a release needs a git repository');
  }
  if (dirty !== '') throw new UserError(`provisioners/ has uncommitted changes; commit them first:\n${dirty}`);
  const commit = git(['rev-parse', 'HEAD']);
  const tree = git(['rev-parse', 'HEAD:provisioners']);
  const file = join(workspaceRoot, RELEASES_FILE);
  const doc = existsSync(file)
    ? parseDocument(readFileSync(file, 'utf8'))
    : parseDocument('# Released versions of provisioners/ (written by `score-nx provisioners release`; do not edit by hand).\nreleases: {}\n');
  if (!isMap(doc.get('releases'))) doc.set('releases', doc.createNode({}));
  const map = doc.get('releases') as YAMLMap;
  map.flow = false;
  map.set(version, doc.createNode({ commit, tree }));
  writeFileAtomic(file, doc.toString());
  return { commit, tree };
}

/** Whether running git failed because there is no git executable at all (not a failing git command). */
export function isGitMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export function gitMissingMessage(what: string): string {
  return `${what} needs git, and no 'git' executable is on PATH: install git (in the Argo CD sidecar image too; see tools/argocd/Dockerfile)`;
}
