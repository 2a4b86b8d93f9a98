import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UserError } from './errors';
import { generateService } from './generate';
import { renderScoreFile } from './render-workload';
import { thrown, useTempDir } from './test-support';
import { createWorkspace, errorOf, scoreYaml } from './provisioners/test-support/workspace';

/** Issue 11, "Why" 5-7: user input never causes an internal error, a hang or a silent change. */
function scoreDir(text: string | Buffer, files: Record<string, string> = {}): string {
  const dir = useTempDir();
  writeFileSync(join(dir, 'score.yaml'), text);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
const renderError = (dir: string) => thrown(() => renderScoreFile(join(dir, 'score.yaml'), 'score.yaml'), UserError).message;
/** A workspace (createWorkspace's environments and library) with one service, services/web. */
function workspace(): string {
  const root = createWorkspace().root;
  mkdirSync(join(root, 'services/web'), { recursive: true });
  writeFileSync(join(root, 'services/web/score.yaml'), scoreYaml('web'));
  return root;
}
const generateError = (root: string) => thrown(() => generateService({ workspaceRoot: root, serviceDir: 'services/web', environment: 'dev' }), UserError).message;
const HEAD = 'apiVersion: score.dev/v1b1\nmetadata: {name: web}\n';

describe('own-property lookups on user-chosen names', () => {
  it.each(['constructor', '__proto__', 'toString'])("a volume source '${resources.%s}' is a positioned error, not a TypeError", (name) => {
    const dir = scoreDir(`${HEAD}containers:\n  web:\n    image: nginx\n    volumes:\n      /data: {source: "\${resources.${name}}"}\n`);
    expect(renderError(dir)).toBe(`score.yaml:7:15: containers.web.volumes./data.source: invalid ref 'resources.${name}': no known resource '${name}'`);
  });

  it.each(['constructor', 'prototype'])("a container named '%s' with image '.' asks for an image instead of rendering Object's method", (name) => {
    const dir = scoreDir(`${HEAD}containers:\n  ${name}: {image: "."}\n`);
    expect(renderError(dir)).toBe(`score.yaml:4:${name.length + 6}: containers.${name}.image: container '${name}' has image '.' and no image is configured for it`);
  });

  it("an image for an unknown container named 'toString' in service-config.yaml is refused", () => {
    const root = createWorkspace().root;
    mkdirSync(join(root, 'services/web'), { recursive: true });
    writeFileSync(join(root, 'services/web/score.yaml'), scoreYaml('web'));
    writeFileSync(join(root, 'services/web/service-config.yaml'), 'environments:\n  dev:\n    images:\n      toString: nginx:1\n');
    expect(thrown(() => generateService({ workspaceRoot: root, serviceDir: 'services/web', environment: 'dev' }), UserError).message).toBe(
      "services/web/service-config.yaml:4:7: environments.dev.images.toString: no container 'toString' in services/web/score.yaml (containers: main)",
    );
  });

  it('a map key __proto__ is kept as a key by substitution and by the writer', () => {
    const dir = scoreDir(`${HEAD}containers:\n  web:\n    image: nginx\n    variables: {__proto__: x, A: b}\n`);
    const { yaml } = renderScoreFile(join(dir, 'score.yaml'), 'score.yaml');
    expect(yaml).toContain('- name: __proto__\n              value: x');
  });
});

describe('limits', () => {
  it('3,000 levels of block nesting are a positioned error naming the limit', () => {
    // Compact block sequences: 3,000 levels on one line (indented maps would exceed the file size limit first).
    const text = `${HEAD}containers:\n  web:\n    image: nginx\nx:\n  ${'- '.repeat(3000)}b\n`;
    const message = renderError(scoreDir(text));
    expect(message).toMatch(/^score\.yaml:\d+:\d+: (x(\.a)+: nested more than 64 levels deep|the Score file is nested too deeply)/);
  });

  it('a files.source over 1 MiB (the ConfigMap limit) is refused without reading it', () => {
    const dir = scoreDir(`${HEAD}containers:\n  web:\n    image: nginx\n    files:\n      /etc/big: {source: big.bin}\n`, { 'big.bin': '' });
    truncateSync(join(dir, 'big.bin'), 450 * 1024 * 1024);
    expect(renderError(dir)).toBe(`score.yaml:7:18: containers.web.files./etc/big.source: source 'big.bin' is ${450 * 1024 * 1024} bytes, more than the limit of 1048576`);
  });

  it('a FIFO as files.source or as the Score file is refused at once instead of hanging', () => {
    const dir = scoreDir(`${HEAD}containers:\n  web:\n    image: nginx\n    files:\n      /etc/f: {source: pipe}\n`);
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(renderError(dir)).toBe("score.yaml:7:16: containers.web.files./etc/f.source: source 'pipe' is not a regular file (a FIFO, socket or device)");
    execFileSync('mkfifo', [join(dir, 'score-pipe.yaml')]);
    expect(thrown(() => renderScoreFile(join(dir, 'score-pipe.yaml'), 'score-pipe.yaml'), UserError).message).toBe('score-pipe.yaml: the Score file is not a regular file (a FIFO, socket or device)');
  });

  it('a device as files.source is refused', () => {
    const dir = scoreDir(`${HEAD}containers:\n  web:\n    image: nginx\n    files:\n      /etc/z: {source: zero}\n`);
    symlinkSync('/dev/zero', join(dir, 'zero'));
    expect(renderError(dir)).toBe("score.yaml:7:16: containers.web.files./etc/z.source: source 'zero' is a symlink that leads out of the service folder");
  });
  it('a Score file over 1 MiB (a 40 MB configData value: memory was ~110x its size) is refused before it is parsed', () => {
    const text = `${HEAD}containers:\n  web:\n    image: nginx\nresources:\n  config:\n    type: configmap\n    params:\n      configData:\n        V: ${'x'.repeat(40 * 1024 * 1024)}\n`;
    const dir = scoreDir(text);
    const size = Buffer.byteLength(text);
    const before = process.memoryUsage().rss;
    expect(renderError(dir)).toBe(`score.yaml: the Score file is ${size} bytes, more than the limit of 1048576`);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('a FIFO where service-config.yaml or an environment file should be is refused at once instead of hanging', () => {
    const root = workspace();
    execFileSync('mkfifo', [join(root, 'services/web/service-config.yaml')]);
    expect(generateError(root)).toBe('services/web/service-config.yaml: the service config is not a regular file (a FIFO, socket or device)');
    rmSync(join(root, 'services/web/service-config.yaml'));
    execFileSync('mkfifo', [join(root, 'environments/qa.yaml')]);
    expect(generateError(root)).toBe('environments/qa.yaml: the environment definition is not a regular file (a FIFO, socket or device)');
  });

  it('a device where an environment file should be (a link to /dev/zero) is refused instead of read forever', () => {
    const root = workspace();
    symlinkSync('/dev/zero', join(root, 'environments/qa.yaml'));
    expect(generateError(root)).toBe('environments/qa.yaml: the environment definition is not a regular file (a FIFO, socket or device)');
  });

  // A device node inside the service folder needs mknod (root with CAP_MKNOD); a link to /dev/zero leaves the folder.
  const canMknod = (() => {
    const dir = mkdtempSync(join(tmpdir(), 'score-nx-mknod-'));
    try {
      return spawnSync('mknod', [join(dir, 'zero'), 'c', '1', '5']).status === 0;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  it.skipIf(!canMknod)('a device node (/dev/zero\'s numbers) inside the service folder as Score file, service config or files.source is refused (skipped without mknod, which needs root)', () => {
    const dir = scoreDir(`${HEAD}containers:\n  web:\n    image: nginx\n    files:\n      /etc/z: {source: zero}\n`);
    execFileSync('mknod', [join(dir, 'zero'), 'c', '1', '5']);
    expect(renderError(dir)).toBe("score.yaml:7:16: containers.web.files./etc/z.source: source 'zero' is not a regular file (a FIFO, socket or device)");
    execFileSync('mknod', [join(dir, 'score-dev.yaml'), 'c', '1', '5']);
    expect(thrown(() => renderScoreFile(join(dir, 'score-dev.yaml'), 'score-dev.yaml'), UserError).message).toBe('score-dev.yaml: the Score file is not a regular file (a FIFO, socket or device)');
    const root = workspace();
    execFileSync('mknod', [join(root, 'services/web/service-config.yaml'), 'c', '1', '5']);
    expect(generateError(root)).toBe('services/web/service-config.yaml: the service config is not a regular file (a FIFO, socket or device)');
  });
});

describe('files that are not what they should be', () => {
  it('a directory or a dangling symlink where service-config.yaml should be', () => {
    const root = workspace();
    mkdirSync(join(root, 'services/web/service-config.yaml'));
    expect(generateError(root)).toBe('services/web/service-config.yaml: the service config is not a regular file (a directory)');
    const other = workspace();
    symlinkSync('nowhere.yaml', join(other, 'services/web/service-config.yaml'));
    expect(generateError(other)).toBe('services/web/service-config.yaml: the service config does not exist (or is a dangling symlink)');
  });

  it('a directory where an environment file should be', () => {
    const root = workspace();
    mkdirSync(join(root, 'environments/qa.yaml'));
    expect(generateError(root)).toBe('environments/qa.yaml: the environment definition is not a regular file (a directory)');
  });

  it('a dangling symlink where an environment file should be', () => {
    const root = workspace();
    symlinkSync('nowhere.yaml', join(root, 'environments/qa.yaml'));
    expect(generateError(root)).toBe('environments/qa.yaml: the environment definition does not exist (or is a dangling symlink)');
  });

  it('score.yaml and service-config.yaml symlinked outside the service folder are refused', () => {
    const root = workspace();
    writeFileSync(join(root, 'outside.yaml'), scoreYaml('web'));
    const score = join(root, 'services/web/score.yaml');
    execFileSync('rm', [score]);
    symlinkSync('../../outside.yaml', score);
    expect(generateError(root)).toBe('services/web/score.yaml: the Score file is a symlink that leads out of the service folder');
    const other = workspace();
    writeFileSync(join(other, 'outside.yaml'), 'environments: {dev: {}}\n');
    symlinkSync('../../outside.yaml', join(other, 'services/web/service-config.yaml'));
    expect(generateError(other)).toBe('services/web/service-config.yaml: the service config is a symlink that leads out of the service folder');
  });
});

describe('no silent changes', () => {
  it('invalid UTF-8 is an error with its position, not U+FFFD', () => {
    const dir = scoreDir(Buffer.concat([Buffer.from(`${HEAD}containers:\n  web:\n    image: nginx\n    variables: {A: "x`), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]));
    expect(renderError(dir)).toBe('score.yaml:6:22: invalid UTF-8 (byte 0xff at offset 106): save the file as UTF-8');
  });

  it('a real U+FFFD is kept; NUL is an error with its position', () => {
    const ok = scoreDir(`${HEAD}containers:\n  web:\n    image: nginx\n    variables: {A: "x\uFFFD"}\n`);
    expect(parse(renderScoreFile(join(ok, 'score.yaml'), 'score.yaml').yaml.split('---\n').at(-1)!).spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: 'x\uFFFD' }]);
    const nul = scoreDir(`${HEAD}containers:\n  web:\n    image: nginx\n    variables: {A: "x\0"}\n`);
    expect(renderError(nul)).toBe('score.yaml:6:22: a NUL character is not allowed in a YAML document');
  });
});

describe('numbers whose text would change', () => {
  it.each([
    ['12345678901234567890123', '1.2345678901234568e+22'],
    ['3.10', '3.1'],
    ['1e400', 'Infinity'],
  ])('configData %s is an error asking for quotes, not silently %s', (written, becomes) => {
    const dir = scoreDir(`${HEAD}containers:\n  web:\n    image: nginx\nresources:\n  config:\n    type: configmap\n    params:\n      configData: {V: ${written}}\n`);
    expect(renderError(dir)).toBe(`score.yaml:10:23: the number ${written} would be written as ${becomes}: quote it ("${written}") to keep the text as written`);
  });

  it('numbers that keep their text are fine', () => {
    const dir = scoreDir(`apiVersion: score.dev/v1b1\nmetadata: {name: web, weight: 3.5, count: 42, exact: "3.10"}\ncontainers:\n  web:\n    image: nginx\n`);
    expect(renderScoreFile(join(dir, 'score.yaml'), 'score.yaml').score.workload.metadata).toEqual({ name: 'web', weight: 3.5, count: 42, exact: '3.10' });
  });
});

/** Issue 11, "Why" 8: an unreleased library version names the file (and key) that chose it. */
describe('library versions', () => {
  it('an unknown version chosen by an environment file names that file and its key', () => {
    const ws = createWorkspace({ 'services/web/score.yaml': scoreYaml('web') });
    ws.write({ 'environments/dev.yaml': readFileSync(join(ws.root, 'environments/dev.yaml'), 'utf8') + 'provisioners: 9.9.9\n' });
    expect(errorOf(() => ws.generate('web', 'dev'))).toBe("environments/dev.yaml: provisioners: provisioner library version '9.9.9' does not exist (released: none; or use 'workspace')");
  });
});
