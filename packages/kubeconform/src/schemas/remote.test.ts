import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from './cache';
import { kubeconform, tmpdir } from '../test-support/run';

const SCHEMA = JSON.stringify({ type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } });
let server: http.Server;
let base = '';
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/ok/widget_v1.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(SCHEMA);
    } else if (req.url === '/boom/widget_v1.json') {
      res.writeHead(500);
      res.end('oops');
    } else if (req.url === '/html/widget_v1.json') {
      res.writeHead(200);
      res.end('<html>not json</html>');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const widget = (size: string) => `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: ${size}}\n`;
const loc = (p: string) => `${base}/${p}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`;

describe('HTTP schema locations', () => {
  it('404 is "not found" and the next location is tried; the -cache dir is filled and reused', async () => {
    const dir = tmpdir({ 'w.yaml': widget('"big"') });
    fs.mkdirSync(path.join(dir, 'cache'));
    hits.length = 0;
    const args = ['-cache', 'cache', '-schema-location', loc('missing'), '-schema-location', loc('ok'), 'w.yaml'];
    const want = {
      code: 1,
      stdout: `w.yaml - Widget w is invalid: problem validating schema. Check JSON formatting: jsonschema validation failed with '${base}/ok/widget_v1.json#' - at '/spec/size': got string, want integer\n`,
      stderr: '',
    };
    expect(await kubeconform(args, { cwd: dir })).toEqual(want);
    expect(hits).toEqual(['/missing/widget_v1.json', '/ok/widget_v1.json']);
    const cached = path.join(dir, 'cache', sha256(`${base}/ok/widget_v1.json`));
    expect(fs.readFileSync(cached, 'utf8')).toBe(SCHEMA);
    hits.length = 0;
    expect(await kubeconform(args, { cwd: dir })).toEqual(want);
    expect(hits).toEqual(['/missing/widget_v1.json']); // 404s are not cached, the 200 is
  });

  it('500 is an error (after retries)', async () => {
    const dir = tmpdir({ 'w.yaml': widget('1') });
    hits.length = 0;
    expect(await kubeconform(['-schema-location', loc('boom'), '-schema-location', loc('ok'), 'w.yaml'], { cwd: dir })).toEqual({
      code: 1,
      stdout: `w.yaml - Widget w failed validation: error while downloading schema at ${base}/boom/widget_v1.json - received HTTP status 500\n`,
      stderr: '',
    });
    expect(hits).toEqual(['/boom/widget_v1.json', '/boom/widget_v1.json', '/boom/widget_v1.json']);
  });

  it('a body that is not JSON counts as not found', async () => {
    const dir = tmpdir({ 'w.yaml': widget('1') });
    expect(await kubeconform(['-schema-location', loc('html'), '-verbose', 'w.yaml'], { cwd: dir })).toEqual({
      code: 1,
      stdout: 'w.yaml - Widget w failed validation: could not find schema for Widget\n',
      stderr: '',
    });
    expect(await kubeconform(['-schema-location', loc('html'), '-schema-location', loc('ok'), '-verbose', 'w.yaml'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'w.yaml - Widget w is valid\n',
      stderr: '',
    });
  });

  it('a connection failure is an error', async () => {
    const dir = tmpdir({ 'w.yaml': widget('1') });
    const r = await kubeconform(['-schema-location', 'http://127.0.0.1:1/{{.ResourceKind}}.json', 'w.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('w.yaml - Widget w failed validation: failed downloading schema at http://127.0.0.1:1/widget.json: connect ECONNREFUSED 127.0.0.1:1\n');
  });
});
