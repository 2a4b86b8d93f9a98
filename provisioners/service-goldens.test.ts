// A golden per example service and environment, next to the service: services/<svc>/__golden__/<env>.yaml (the
// library the environment selects, a pinned release for prod) and <env>.workspace.yaml (the library as it is).
// They are what `score-nx generate services/<svc> --env <env> [--provisioners workspace]` prints, byte for byte.
// After a deliberate change of a render: UPDATE_GOLDENS=1 npx vitest run provisioners/service-goldens.test.ts
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateService } from '@score-nx/engine';
import { WORKSPACE_ROOT } from './test-support/render';

const UPDATE = process.env['UPDATE_GOLDENS'] === '1';
const ENVIRONMENTS: Array<[string, number | undefined]> = [['dev', undefined], ['staging', undefined], ['prod', undefined], ['preview', 42]];
const SERVICES = readdirSync(join(WORKSPACE_ROOT, 'services'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(WORKSPACE_ROOT, 'services', e.name, 'score.yaml')))
  .map((e) => e.name)
  .sort();

/** Pinned releases are read from git objects: a shallow clone or an export without history cannot render them. */
function hasFullHistory(): boolean {
  try {
    return execFileSync('git', ['-C', WORKSPACE_ROOT, 'rev-parse', '--is-shallow-repository'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() === 'false';
  } catch {
    return false;
  }
}

describe.skipIf(!hasFullHistory())('example service goldens (needs the git history of the workspace: pinned releases are read from it)', () => {
  it('finds the example services', () => {
    expect(SERVICES).toEqual(expect.arrayContaining(['checkout-canary', 'ledger-api', 'my-service', 'order-worker']));
  });

  // Issue 13's Done-when, in the library each environment selects (prod: its pinned release).
  it.each(ENVIRONMENTS)('services/my-service renders more than 25 objects including a Gateway in %s (pr %s)', (env, pr) => {
    const { objects } = generateService({ workspaceRoot: WORKSPACE_ROOT, serviceDir: 'services/my-service', environment: env, ...(pr !== undefined ? { pr } : {}) });
    expect(objects.length).toBeGreaterThan(25);
    expect(objects.filter((o) => o.kind === 'Gateway').length).toBeGreaterThan(0);
  });

  describe.each(SERVICES)('services/%s', (service) => {
    it.each(ENVIRONMENTS.flatMap(([env, pr]) => [[env, pr, undefined], [env, pr, 'workspace']] as Array<[string, number | undefined, string | undefined]>))(
      '%s (pr %s, library %s)',
      (env, pr, libraryVersion) => {
        const { yaml } = generateService({ workspaceRoot: WORKSPACE_ROOT, serviceDir: `services/${service}`, environment: env, ...(pr !== undefined ? { pr } : {}), ...(libraryVersion ? { libraryVersion } : {}) });
        const golden = join(WORKSPACE_ROOT, 'services', service, '__golden__', `${env}${libraryVersion ? `.${libraryVersion}` : ''}.yaml`);
        if (UPDATE) {
          mkdirSync(join(golden, '..'), { recursive: true });
          writeFileSync(golden, yaml);
        }
        expect(existsSync(golden), `${golden} is missing: create it with UPDATE_GOLDENS=1`).toBe(true);
        expect(yaml).toBe(readFileSync(golden, 'utf8'));
      },
    );
  });
});
