import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, scoreFile, tempWorkspace } from '../test-support/workspace';
import type { TempWorkspace } from '../test-support/workspace';

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

/** A workspace with the configmap and postgres provisioners and one service `api` (container `main`). */
function setup(resources: string, config = 'environments:\n  dev:\n    images:\n      main: r/api:1\n'): TempWorkspace {
  const w = (ws = tempWorkspace({ 'services/api/score.yaml': scoreFile('api', resources), 'services/api/service-config.yaml': config }));
  // postgres includes templates of the library's _shared/ folder.
  for (const folder of ['postgres', '_shared']) cpSync(join(REPO_ROOT, 'provisioners', folder), join(w.root, 'provisioners', folder), { recursive: true, filter: (s) => !s.endsWith('.test.ts') && !s.includes('__golden__') });
  return w;
}

describe('errors that suggest the close name', () => {
  it("type: postgress suggests 'postgres' and echoes the value", async () => {
    const r = await setup('resources:\n  db:\n    type: postgress\n').cli(['generate', 'services/api', '--env', 'dev']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "services/api/score.yaml:14:5: resources.db.type: must be one of 'configmap' or 'postgres', got 'postgress' (did you mean 'postgres'?)\n" });
  });

  it('a mistyped param suggests the param', async () => {
    const r = await setup('resources:\n  db:\n    type: postgres\n    params:\n      dbNme: orders\n').cli(['generate', 'services/api', '--env', 'dev']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "services/api/score.yaml:16:7: resources.db.params.dbNme: unknown field 'dbNme' (did you mean 'dbName'?)\n" });
  });

  it('a mistyped environment suggests the environment, in the workspace and in the service config', async () => {
    const w = setup('');
    expect(await w.cli(['generate', 'services/api', '--env', 'stagin'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "unknown environment 'stagin' (did you mean 'staging'?) (environments: dev, preview, prod, staging)\n",
    });
    expect(await w.cli(['generate', 'services/api', '--env', 'prod'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "services/api/service-config.yaml:1:1: environments: the service does not deploy to environment 'prod' (it deploys to: dev)\n",
    });
    w.write('services/api/service-config.yaml', 'environments:\n  staging:\n    images:\n      main: r/api:1\n');
    expect((await w.cli(['generate', 'services/api', '--env', 'dev'])).stderr).toBe(
      "services/api/service-config.yaml:1:1: environments: the service does not deploy to environment 'dev' (it deploys to: staging)\n",
    );
  });

  it('a mistyped container in the service config suggests the container', async () => {
    const r = await setup('', 'environments:\n  dev:\n    images:\n      mian: r/api:1\n').cli(['generate', 'services/api', '--env', 'dev']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "services/api/service-config.yaml:4:7: environments.dev.images.mian: no container 'mian' (did you mean 'main'?) in services/api/score.yaml (containers: main)\n" });
  });

  it('a Score file with three mistakes prints three positioned errors in file order, exit 1, no stack trace', async () => {
    const w = setup('resources:\n  db:\n    type: postgress\n');
    w.write('services/api/score.yaml', scoreFile('api', 'resources:\n  db:\n    type: postgress\n').replace('    image: "."\n', '    image: "."\n    variables:\n      DB: ${resource.db.host}\n      URL: ${resources.db.url\n'));
    const r = await w.cli(['generate', 'services/api', '--env', 'dev']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "services/api/score.yaml:9:7: containers.main.variables.DB: invalid ref 'resource.db.host': unknown reference root 'resource' (did you mean 'resources'?)\n" +
        "services/api/score.yaml:10:7: containers.main.variables.URL: unclosed placeholder '${resources.db.url': add the closing '}' (or write '$${' for a literal '${')\n" +
        "services/api/score.yaml:17:5: resources.db.type: must be one of 'configmap' or 'postgres', got 'postgress' (did you mean 'postgres'?)\n",
    });
  });

  it('every mistake of a service config, in file order', async () => {
    const r = await setup('', 'environments:\n  dev:\n    imags: {}\n    images:\n      mian: r/api:1\n  staging:\n    provisioners: ""\n').cli(['generate', 'services/api', '--env', 'dev']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: "services/api/service-config.yaml:3:5: environments.dev.imags: unknown field 'imags' (did you mean 'images'?)\nservices/api/service-config.yaml:7:5: environments.staging.provisioners: must not be empty\n",
    });
  });

  it('every image of a container the Score file does not have', async () => {
    const r = await setup('', 'environments:\n  dev:\n    images:\n      mian: r/api:1\n      sidecar: r/side:1\n').cli(['generate', 'services/api', '--env', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      "services/api/service-config.yaml:4:7: environments.dev.images.mian: no container 'mian' (did you mean 'main'?) in services/api/score.yaml (containers: main)",
      "services/api/service-config.yaml:5:7: environments.dev.images.sidecar: no container 'sidecar' in services/api/score.yaml (containers: main)",
      '',
    ]);
  });
});
