import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GenerateCache } from '../generate';
import { cutRelease, readReleases, RELEASES_FILE } from './releases';
import { createWorkspace, errorOf, scoreYaml } from './test-support/workspace';

const SERVICE = scoreYaml('api', ['resources:', '  settings:', '    type: config', '    params: {configData: {A: "1"}}']);
/** A command provisioner, to show that a pinned release runs its own (extracted) program. */
const COMMAND = {
  'provisioners/stamp/provisioner.yaml': 'type: stamp\ndescription: Stamps a version.\noutputs: [version]\ncommand: [./stamp.sh]\n',
  'provisioners/stamp/stamp.sh': '#!/bin/sh\ncat >/dev/null\necho \'{"outputs": {"version": "one"}}\'\n',
};
const ID40 = 'a'.repeat(40);

function released() {
  const w = createWorkspace({ ...COMMAND, 'services/api/score.yaml': scoreYaml('api', ['resources:', '  settings:', '    type: config', '    params: {configData: {A: "1", V: "${resources.stamp.version}"}}', '  stamp:', '    type: stamp']) }, { git: true });
  const release = cutRelease(w.root, '1.0.0');
  w.commit('release 1.0.0');
  return { w, release };
}

describe('cutRelease', () => {
  it('records the commit and the tree of provisioners/', () => {
    const { w, release } = released();
    expect(release).toEqual({ commit: w.git('rev-parse', 'HEAD~1'), tree: w.git('rev-parse', 'HEAD~1:provisioners') });
    expect(readFileSync(join(w.root, RELEASES_FILE), 'utf8')).toBe(
      `# Released versions of provisioners/ (written by \`score-nx provisioners release\`; do not edit by hand).\nreleases:\n  1.0.0:\n    commit: ${release.commit}\n    tree: ${release.tree}\n`,
    );
    expect(readReleases(w.root)).toEqual(new Map([['1.0.0', release]]));
  });

  it('keeps earlier releases and rejects versions not above the newest', () => {
    const { w, release } = released();
    expect(errorOf(() => cutRelease(w.root, '1.0.0'))).toBe('provisioner library version 1.0.0 is already released');
    expect(errorOf(() => cutRelease(w.root, '0.9.0'))).toBe('version 0.9.0 must be greater than the newest release, 1.0.0');
    expect(errorOf(() => cutRelease(w.root, 'v2'))).toBe("'v2' is not a semantic version (for example 1.2.0)");
    const second = cutRelease(w.root, '1.1.0');
    expect([...readReleases(w.root).entries()]).toEqual([
      ['1.0.0', release],
      ['1.1.0', second],
    ]);
    w.commit('release 1.1.0');
    expect(errorOf(() => cutRelease(w.root, '1.0.5'))).toBe('version 1.0.5 must be greater than the newest release, 1.1.0');
  });

  it('refuses uncommitted changes in provisioners/', () => {
    const w = createWorkspace({}, { git: true });
    w.write({ 'provisioners/config/outputs.yaml.njk': 'name: changed\n' });
    expect(errorOf(() => cutRelease(w.root, '1.0.0'))).toBe('provisioners/ has uncommitted changes; commit them first:\nM provisioners/config/outputs.yaml.njk');
    w.write({ 'provisioners/config/outputs.yaml.njk': null });
    expect(errorOf(() => cutRelease(w.root, '1.0.0'))).toBe('provisioners/ has uncommitted changes; commit them first:\nD provisioners/config/outputs.yaml.njk');
  });

  it('needs a git repository', () => {
    expect(errorOf(() => cutRelease(createWorkspace().root, '1.0.0'))).toBe('cutting a release needs a git repository');
  });
});

describe('pinned versions', () => {
  it('a pinned service renders the release byte for byte while workspace follows the folder', () => {
    const { w, release } = released();
    w.write({ 'services/api/service-config.yaml': 'environments:\n  dev: {provisioners: 1.0.0}\n  prod: {}\n' });
    const before = w.generate('api', 'dev');
    const workspaceBefore = w.generate('api', 'prod');
    expect(before.libraryVersion).toBe('1.0.0');
    expect(before.libraryHash).toBe(release.tree);
    expect(before.inputs).toEqual(['environments/dev.yaml', RELEASES_FILE, 'services/api/score.yaml', 'services/api/service-config.yaml']);
    expect(workspaceBefore.libraryVersion).toBe('workspace');
    // Change the library: a template and the command's program.
    w.write({
      'provisioners/config/manifests.yaml.njk': `${readFileSync(join(w.root, 'provisioners/config/manifests.yaml.njk'), 'utf8')}  added: "yes"\n`,
      'provisioners/stamp/stamp.sh': '#!/bin/sh\ncat >/dev/null\necho \'{"outputs": {"version": "two"}}\'\n',
    });
    const after = w.generate('api', 'dev');
    expect(after.yaml).toBe(before.yaml);
    expect(after.libraryHash).toBe(release.tree);
    const workspaceAfter = w.generate('api', 'prod');
    expect(workspaceAfter.yaml).not.toBe(workspaceBefore.yaml);
    expect(workspaceAfter.objects[0]!['data']).toEqual({ A: '1', V: 'two', added: 'yes' });
    expect(workspaceAfter.libraryHash).not.toBe(workspaceBefore.libraryHash);
    expect(before.objects[0]!['data']).toEqual({ A: '1', V: 'one' });
    // Committed, the change is still not in the release; an environment default pin works the same way.
    w.commit('change the library');
    w.write({ 'services/api/service-config.yaml': null, 'environments/dev.yaml': `${readFileSync(join(w.root, 'environments/dev.yaml'), 'utf8')}provisioners: 1.0.0\n` });
    expect(w.generate('api', 'dev').yaml).toBe(before.yaml);
    // --provisioners (diff) renders another version.
    expect(w.generate('api', 'dev', { libraryVersion: 'workspace' }).objects[0]!['data']).toEqual({ A: '1', V: 'two', added: 'yes' });
  });

  it('a cache reuses a release and disposes of its extracted folder', () => {
    const { w } = released();
    const cache = new GenerateCache();
    const one = w.generate('api', 'dev', { libraryVersion: '1.0.0', cache });
    const two = w.generate('api', 'dev', { libraryVersion: '1.0.0', cache });
    expect(two.yaml).toBe(one.yaml);
    const folder = cache.sources.get('1.0.0')!.materialize();
    expect(readFileSync(join(folder, 'stamp/stamp.sh'), 'utf8')).toContain('"one"');
    cache.dispose();
    expect(errorOf(() => readFileSync(join(folder, 'stamp/stamp.sh')))).toMatch(/ENOENT/);
  });

  it('an unknown version is an error listing the released ones', () => {
    const { w } = released();
    w.write({ 'services/api/service-config.yaml': 'environments:\n  dev: {provisioners: 2.0.0}\n' });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe(
      "services/api/service-config.yaml:2:9: environments.dev.provisioners: provisioner library version '2.0.0' does not exist (released: 1.0.0; or use 'workspace')",
    );
    const fresh = createWorkspace({ 'services/api/score.yaml': SERVICE });
    expect(errorOf(() => fresh.generate('api', 'dev', { libraryVersion: '1.0.0' }))).toBe("provisioner library version '1.0.0' does not exist (released: none; or use 'workspace')");
  });

  it('a version that is not semantic is an error at its place', () => {
    const w = createWorkspace({ 'services/api/score.yaml': SERVICE, 'services/api/service-config.yaml': 'environments:\n  dev: {provisioners: latest}\n' });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe("services/api/service-config.yaml:2:9: environments.dev.provisioners: library version 'latest' must be 'workspace' or a semantic version such as 1.2.0");
  });

  it('a release whose tree is not in the clone is an error', () => {
    const w = createWorkspace({ 'services/api/score.yaml': SERVICE, [RELEASES_FILE]: `releases:\n  1.0.0: {commit: ${ID40}, tree: ${'b'.repeat(40)}}\n` }, { git: true });
    expect(errorOf(() => w.generate('api', 'dev', { libraryVersion: '1.0.0' }))).toBe(
      `provisioner library version '1.0.0': git tree ${'b'.repeat(40)} is not in this clone (it needs the full history: fetch-depth 0)`,
    );
  });
});

describe('readReleases', () => {
  const read = (text: string) => errorOf(() => readReleases(createWorkspace({ [RELEASES_FILE]: text }).root));

  it('reads nothing from a missing or empty file', () => {
    expect(readReleases(createWorkspace().root)).toEqual(new Map());
    expect(readReleases(createWorkspace({ [RELEASES_FILE]: 'releases:\n' }).root)).toEqual(new Map());
  });

  it('rejects malformed entries with positions', () => {
    expect(read('releases: [1.0.0]\n')).toBe(`${RELEASES_FILE}:1:1: releases: must be a map of version to {commit, tree}`);
    expect(read(`releases:\n  latest: {commit: ${ID40}, tree: ${ID40}}\n`)).toBe(`${RELEASES_FILE}:2:3: releases.latest: 'latest' is not a semantic version`);
    expect(read(`releases:\n  1.0.0: {commit: abc, tree: ${ID40}}\n`)).toBe(`${RELEASES_FILE}:2:11: releases.1.0.0.commit: must be a full git object id`);
    expect(read(`releases:\n  1.0.0:\n    commit: ${ID40}\n`)).toBe(`${RELEASES_FILE}:2:3: releases.1.0.0.tree: must be a full git object id`);
    expect(read('releases:\n  1.0.0:\n')).toBe(`${RELEASES_FILE}:2:3: releases.1.0.0.commit: must be a full git object id`);
    expect(read('releases: {\n')).toMatch(new RegExp(`^${RELEASES_FILE}:\\d+:\\d+: invalid YAML: `));
  });
});
