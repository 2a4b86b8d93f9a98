import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../errors';
import { thrown, useTempDir } from '../test-support';
import { isInside, readSourceInside, writeFileAtomic } from './files';

const PATH = ['containers', 'web', 'files', '/etc/x', 'source'];

/** A service folder `svc` with `score.yaml`, `site/index.html` and a secret next to it, outside. */
function layout() {
  const root = useTempDir();
  const svc = join(root, 'svc');
  mkdirSync(join(svc, 'site'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(svc, 'score.yaml'), 'x');
  writeFileSync(join(svc, 'site', 'index.html'), '<h1>hi</h1>');
  writeFileSync(join(root, 'outside', 'secret.txt'), 'secret');
  writeFileSync(join(root, 'sibling.txt'), 'sibling');
  return { root, svc, score: join(svc, 'score.yaml') };
}

const readError = (svc: string, score: string, source: string) =>
  thrown(() => readSourceInside(svc, score, source, PATH), DocumentError).message;

describe('readSourceInside', () => {
  it('reads a path relative to the Score file', () => {
    const { svc, score } = layout();
    expect(readSourceInside(svc, score, './site/index.html', PATH).toString()).toBe('<h1>hi</h1>');
    expect(readSourceInside(svc, score, 'site/../site/index.html', PATH).toString()).toBe('<h1>hi</h1>');
  });

  it('resolves against the Score file folder, which may be below the service folder', () => {
    const { svc } = layout();
    const nested = join(svc, 'site', 'score.yaml');
    expect(readSourceInside(svc, nested, 'index.html', PATH).toString()).toBe('<h1>hi</h1>');
    expect(readSourceInside(svc, nested, '../score.yaml', PATH).toString()).toBe('x');
  });

  it('refuses a `..` escape', () => {
    const { svc, score } = layout();
    expect(readError(svc, score, '../sibling.txt')).toBe("containers.web.files./etc/x.source: source '../sibling.txt' leaves the service folder");
    expect(readError(svc, score, 'site/../../outside/secret.txt')).toBe(
      "containers.web.files./etc/x.source: source 'site/../../outside/secret.txt' leaves the service folder",
    );
  });

  it('refuses an absolute path, even inside the folder', () => {
    const { svc, score } = layout();
    const abs = join(svc, 'site', 'index.html');
    expect(readError(svc, score, abs)).toBe(
      `containers.web.files./etc/x.source: source '${abs}' is an absolute path; use a path relative to the Score file, inside the service folder`,
    );
    expect(readError(svc, score, 'C:\\x')).toBe(
      "containers.web.files./etc/x.source: source 'C:\\x' is an absolute path; use a path relative to the Score file, inside the service folder",
    );
  });

  it('refuses a symlink that points outside', () => {
    const { root, svc, score } = layout();
    symlinkSync(join(root, 'outside', 'secret.txt'), join(svc, 'link.txt'));
    expect(readError(svc, score, 'link.txt')).toBe("containers.web.files./etc/x.source: source 'link.txt' is a symlink that leads out of the service folder");
  });

  it('refuses a file below a symlinked folder that points outside', () => {
    const { root, svc, score } = layout();
    symlinkSync(join(root, 'outside'), join(svc, 'linked-dir'));
    expect(readError(svc, score, 'linked-dir/secret.txt')).toBe(
      "containers.web.files./etc/x.source: source 'linked-dir/secret.txt' is a symlink that leads out of the service folder",
    );
  });

  it('follows a symlink that stays inside', () => {
    const { svc, score } = layout();
    symlinkSync(join(svc, 'site', 'index.html'), join(svc, 'alias.html'));
    expect(readSourceInside(svc, score, 'alias.html', PATH).toString()).toBe('<h1>hi</h1>');
  });

  it('reports a missing file, and a dangling symlink, as missing', () => {
    const { svc, score } = layout();
    expect(readError(svc, score, 'site/nope.html')).toBe("containers.web.files./etc/x.source: source 'site/nope.html' does not exist");
    symlinkSync(join(svc, 'gone'), join(svc, 'dangling'));
    expect(readError(svc, score, 'dangling')).toBe("containers.web.files./etc/x.source: source 'dangling' does not exist");
  });

  it('reports a folder as unreadable', () => {
    const { svc, score } = layout();
    expect(readError(svc, score, 'site')).toBe("containers.web.files./etc/x.source: source 'site' is not a regular file (a directory)");
  });

  it('works when the service folder itself is reached through a symlink', () => {
    const { root, svc } = layout();
    symlinkSync(svc, join(root, 'svc-link'));
    const linked = join(root, 'svc-link');
    expect(readSourceInside(linked, join(linked, 'score.yaml'), 'site/index.html', PATH).toString()).toBe('<h1>hi</h1>');
  });
});

describe('isInside', () => {
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/b/c', true],
    ['/a/b', '/a/b/..c', true],
    ['/a/b', '/a/bc', false],
    ['/a/b', '/a', false],
    ['/a/b', '/x/y', false],
  ])('%s contains %s: %s', (root, candidate, inside) => {
    expect(isInside(root, candidate)).toBe(inside);
  });
});

describe('writeFileAtomic', () => {
  it('writes and replaces a file, leaving no temporary file', () => {
    const dir = useTempDir();
    const file = join(dir, 'manifests.yaml');
    writeFileAtomic(file, 'one\n');
    writeFileAtomic(file, new Uint8Array([0x74, 0x77, 0x6f]));
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['manifests.yaml']);
  });

  it('cleans up its temporary file when the rename fails', () => {
    const dir = useTempDir();
    mkdirSync(join(dir, 'taken'));
    writeFileSync(join(dir, 'taken', 'keep'), 'k');
    const err = thrown(() => writeFileAtomic(join(dir, 'taken'), 'x'), Error) as NodeJS.ErrnoException;
    expect(['EISDIR', 'ENOTEMPTY', 'EEXIST']).toContain(err.code);
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('fails in a missing folder without creating it', () => {
    const dir = useTempDir();
    const err = thrown(() => writeFileAtomic(join(dir, 'no', 'file'), 'x'), Error) as NodeJS.ErrnoException;
    expect(err.code).toBe('ENOENT');
    expect(readdirSync(dir)).toEqual([]);
  });
});
