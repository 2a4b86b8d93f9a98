import { describe, expect, it } from 'vitest';
import { run } from '../main';
import { REPO_ROOT } from '../test-support/workspace';
import { provisionerTable, tableWidth } from './provisioners';

async function cli(argv: string[], columns?: number) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: REPO_ROOT, env: {}, ...(columns !== undefined ? { columns } : {}) });
  return { code, stdout, stderr };
}

describe('score-nx provisioners list', () => {
  it.each([
    [undefined, 100],
    [60, 80],
    [80, 80],
    [120, 120],
    [494, 120],
  ])('fits a terminal of %s columns in %i, and still names every param and output', async (columns, width) => {
    const table = await cli(['provisioners', 'list'], columns);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(width);
    expect(lines[0]).toMatch(/^TYPE +CLASS +KIND +DESCRIPTION$/);
    expect(lines.at(-1)).toBe('* owns the workload');
    const words = new Set(table.stdout.split(/[\s,]+/));
    const rows = JSON.parse((await cli(['provisioners', 'list', '--format', 'json'])).stdout) as Array<{ type: string; params: string[]; outputs: string[] }>;
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) for (const name of [r.type, ...r.params, ...r.outputs]) expect([r.type, name, words.has(name)]).toEqual([r.type, name, true]);
  });

  it('wraps the description and lists under the last column', () => {
    const text = provisionerTable([{ type: 'cache', class: null, kind: 'template', ownsWorkload: false, params: ['a', 'b'], outputs: [], description: 'word '.repeat(30).trim() }], 80);
    expect(text.split('\n')).toEqual([
      'TYPE   CLASS  KIND      DESCRIPTION',
      `cache  (any)  template  ${'word '.repeat(11).trim()}`,
      `                        ${'word '.repeat(11).trim()}`,
      `                        ${'word '.repeat(8).trim()}`,
      '                          params: a, b',
      '                          outputs: -',
      '',
    ]);
    expect(tableWidth(undefined)).toBe(100);
  });
});
