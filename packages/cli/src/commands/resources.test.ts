import { afterEach, describe, expect, it } from 'vitest';
import { scoreFile, tempWorkspace } from '../test-support/workspace';
import type { TempWorkspace } from '../test-support/workspace';

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

/** A store whose outputs hold a plain string, a number, a whole secret reference and one embedded in a URL. */
const STORE = {
  'provisioners/store/provisioner.yaml': 'type: store\ndescription: A test store.\nparams: {type: object}\noutputs: [host, port, password, url]\ntemplates: {outputs: outputs.yaml.njk}\n',
  'provisioners/store/outputs.yaml.njk': [
    'host: {{ workload.name ~ "-db" }}',
    'port: 5432',
    'password: {{ encodeSecretRef(workload.name ~ "-db", "password") }}',
    'url: {{ "postgres://app:" ~ encodeSecretRef(workload.name ~ "-db", "password") ~ "@" ~ workload.name ~ "-db:5432/app" }}',
    '',
  ].join('\n'),
};

function workspace() {
  ws = tempWorkspace({
    ...STORE,
    'services/api/score.yaml': scoreFile('api', 'resources:\n  db:\n    type: store\n  settings:\n    type: configmap\n    params: {configData: {COLOR: blue}}\n'),
    'services/api/service-config.yaml': 'environments:\n  dev:\n    images: {main: "web:1"}\n',
  });
  return ws;
}

describe('score-nx resources', () => {
  it('lists each resource with its uid, provisioner folder and outputs, secret references as such', async () => {
    const w = workspace();
    const table = await w.cli(['resources', 'services/api', '--env', 'dev']);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    const configmap = await w.cli(['resources', 'services/api', '--env', 'dev', '--format', 'json']);
    const settings = (JSON.parse(configmap.stdout) as { resources: Array<{ name: string; outputs: Record<string, unknown> }> }).resources[1]!;
    expect(settings.name).toBe('settings');
    expect(table.stdout).toBe(
      [
        'RESOURCE  UID                             PROVISIONER  OUTPUT    VALUE',
        'db        store.default#api.db            store        host      api-db',
        '                                                       password  secret api-db/password',
        '                                                       port      5432',
        '                                                       url       postgres://app:${secret:api-db/password}@api-db:5432/app',
        ...Object.entries(settings.outputs).map(([k, v], i) =>
          `${i === 0 ? 'settings  configmap.default#api.settings  configmap    ' : ' '.repeat(55)}${k.padEnd(8)}  ${typeof v === "string" ? v : JSON.stringify(v)}`.trimEnd(),
        ),
        '',
      ].join('\n'),
    );
    expect(table.stdout).not.toContain('🔐');
  });

  it('--format json gives the listing with structured secret references', async () => {
    const w = workspace();
    const { code, stdout } = await w.cli(['resources', 'services/api', '--env', 'dev', '--format', 'json']);
    expect(code).toBe(0);
    const listing = JSON.parse(stdout) as { resources: Array<Record<string, unknown>> };
    expect({ ...listing, resources: listing.resources.slice(0, 1) }).toEqual({
      service: 'api',
      environment: 'dev',
      namespace: 'team-a',
      libraryVersion: 'workspace',
      resources: [
        {
          name: 'db',
          uid: 'store.default#api.db',
          type: 'store',
          class: 'default',
          provisioner: 'store',
          outputs: {
            host: 'api-db',
            password: { secretRef: { name: 'api-db', key: 'password' } },
            port: 5432,
            url: 'postgres://app:${secret:api-db/password}@api-db:5432/app',
          },
        },
      ],
    });
    expect(listing.resources.map((r) => [r['name'], r['uid'], r['provisioner']])).toEqual([
      ['db', 'store.default#api.db', 'store'],
      ['settings', 'configmap.default#api.settings', 'configmap'],
    ]);
  });

  it('errors like generate: an unknown format, an unknown environment, an override refused', async () => {
    const w = workspace();
    expect(await w.cli(['resources', 'services/api', '--env', 'dev', '--format', 'xml'])).toEqual({ code: 1, stdout: '', stderr: "invalid --format 'xml': use table or json\n" });
    const unknown = await w.cli(['resources', 'services/api', '--env', 'qa']);
    expect([unknown.code, unknown.stdout, unknown.stderr.startsWith("unknown environment 'qa'")]).toEqual([1, '', true]);
    w.write('services/api/service-config.yaml', 'environments:\n  dev:\n    images: {main: "web:1"}\n    overrides:\n      resources.db.paramz: {}\n');
    expect(await w.cli(['resources', 'services/api', '--env', 'dev'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "services/api/service-config.yaml:5:7: resources.db.paramz: unknown field 'paramz' (did you mean 'params'?)\n",
    });
  });
});
