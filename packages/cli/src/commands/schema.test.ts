import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../main';
import { REPO_ROOT } from '../test-support/workspace';

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: REPO_ROOT, env: {} });
  return { code, stdout, stderr };
}

const seed = () => parse(readFileSync(join(REPO_ROOT, 'services/my-service/score.yaml'), 'utf8')) as { resources: Record<string, { params?: Record<string, unknown> }> };

describe('score-nx schema', () => {
  it('prints a schema an editor (ajv here) uses to accept the seed service and to reject a typo in a param', async () => {
    const r = await cli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(schema['$id']).toBe('https://score-nx.dev/schemas/score-v1b1-platform-workspace.json');
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(seed())).toBe(true);

    const typo = seed();
    const networking = typo.resources['networking']!.params!;
    networking['ingres'] = networking['ingress'];
    delete networking['ingress'];
    expect(validate(typo)).toBe(false);
    expect(validate.errors!.filter((e) => e.keyword === 'additionalProperties').map((e) => [e.instancePath, e.params])).toEqual([
      ['/resources/networking/params', { additionalProperty: 'ingres' }],
    ]);
  });

  it('describes a released library version too, and refuses an unknown one', async () => {
    const released = await cli(['schema', '--provisioners', '1.0.0']);
    expect(released.code).toBe(0);
    expect((JSON.parse(released.stdout) as { $id: string }).$id).toBe('https://score-nx.dev/schemas/score-v1b1-platform-1.0.0.json');
    expect(await cli(['schema', '--provisioners', '9.9.9'])).toEqual({ code: 1, stdout: '', stderr: "provisioner library version '9.9.9' does not exist (released: 1.0.0, 1.1.0; or use 'workspace')\n" });
  });
});

describe('score-nx provisioners list', () => {
  it('lists the library: 31 provisioners (two implementations per environment for amqp, dns, kafka-topic, mssql, mysql, postgres-instance, s3), the owners of the workload marked', async () => {
    const r = await cli(['provisioners', 'list', '--format', 'json']);
    const rows = JSON.parse(r.stdout) as Array<{ type: string; ownsWorkload: boolean; kind: string }>;
    expect(rows.map((p) => p.type)).toEqual([
      'amqp', 'amqp', 'basic', 'blue-green', 'canary', 'cloud-secret', 'configmap', 'dns', 'dns', 'horizontal-pod-autoscaler', 'kafka-topic', 'kafka-topic', 'mongodb', 'monitoring', 'mssql', 'mssql', 'mysql', 'mysql', 'pod-identity', 'postgres', 'postgres-instance', 'postgres-instance', 'pre-deployment-job', 'redis', 'route', 's3', 's3', 's3-bucket', 'service', 'service-port', 'volume',
    ]);
    expect(rows.filter((p) => p.ownsWorkload).map((p) => p.type)).toEqual(['blue-green', 'canary']);
    const table = await cli(['provisioners', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^TYPE +CLASS +KIND +DESCRIPTION$/); // params and outputs wrap under the description
    expect(table.stdout).toContain('* owns the workload\n');
    expect(await cli(['provisioners', 'list', '--format', 'xml'])).toEqual({ code: 1, stdout: '', stderr: "invalid --format 'xml': use table or json\n" });
  });
});
