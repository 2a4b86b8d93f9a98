// The library contract: the checks every provisioner folder gets by existing (provisioners/contract.test.ts runs
// them over every folder with a provisioner.yaml; contract.test.ts also runs them against a new folder in a copy of
// the library). A folder's example, `__golden__/example.score.yaml`, is a Score file that uses the provisioner; the
// checks that render it run for every environment of the workspace and compare with `__golden__/example.<env>.yaml`.
// The example lives in __golden__/ because that folder is not part of the library: it changes no content hash.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { workspaceLibrary } from '@score-nx/engine';
import { CONTRACT_PREVIEW_PR, loadLibrary } from '@score-nx/engine/testing';
import type { GenerateResult } from '@score-nx/engine';
import { expectSchemaValid, expectValidNames, INJECTIONS, kinds, positionOf } from './helpers';
import { tempService } from './render';

export const EXAMPLE = '__golden__/example.score.yaml';
/** Environments rendered for an example, with the pull request number a preview needs. */
export const CONTRACT_ENVIRONMENTS: Array<[string, number | undefined]> = [['dev', undefined], ['staging', undefined], ['prod', undefined], ['preview', CONTRACT_PREVIEW_PR]];

/** The provisioner folders of a workspace's library: every folder with a provisioner.yaml, sorted. */
export function provisionerFolders(workspaceRoot: string): string[] {
  const library = join(workspaceRoot, 'provisioners');
  return readdirSync(library, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(library, e.name, 'provisioner.yaml')))
    .map((e) => e.name)
    .sort();
}

export interface ContractCheck {
  name: string;
  /** Why the check cannot run (names the missing file), or undefined. */
  skip?: string;
  run(): Promise<void>;
}

type Score = { metadata: Record<string, unknown>; resources?: Record<string, { type: string; class?: string; params?: Record<string, unknown> }> };

/**
 * The contract checks of one provisioner folder of `workspaceRoot`'s library. With `updateGoldens`, the golden
 * checks write `<folder>/__golden__/example.<env>.yaml` instead of comparing.
 */
export function contractChecks(workspaceRoot: string, folder: string, options: { updateGoldens?: boolean } = {}): ContractCheck[] {
  const dir = join(workspaceRoot, 'provisioners', folder);
  const examplePath = join(dir, EXAMPLE);
  const skip = existsSync(examplePath) ? undefined : `provisioners/${folder}/${EXAMPLE} is missing`;
  const definition = () => {
    const found = loadLibrary(workspaceLibrary(workspaceRoot)).provisioners.find((p) => p.folder === folder);
    if (!found) throw new Error(`provisioners/${folder}: not loaded as a provisioner`);
    return found;
  };
  const example = () => parse(readFileSync(examplePath, 'utf8')) as Score;
  /** The example's resources this provisioner serves (by type and, when the definition names one, class). */
  const served = (score: Score) => {
    const p = definition();
    const names = Object.entries(score.resources ?? {})
      .filter(([, r]) => r.type === p.type && (p.class === undefined || (r.class ?? 'default') === p.class))
      .map(([name]) => name);
    if (names.length === 0) throw new Error(`provisioners/${folder}/${EXAMPLE}: no resource of type '${p.type}'${p.class ? ` and class '${p.class}'` : ''}`);
    return names;
  };
  const render = (score: Score, env = 'dev', pr?: number): GenerateResult => {
    const service = tempService(JSON.stringify(score, null, 2), undefined, {}, {}, workspaceRoot);
    try {
      return service.render(env, pr);
    } finally {
      service.cleanup();
    }
  };
  const renderError = (text: string): string => {
    const service = tempService(text, undefined, {}, {}, workspaceRoot);
    try {
      service.render('dev');
    } catch (err) {
      return (err as Error).message;
    } finally {
      service.cleanup();
    }
    throw new Error('expected the render to fail');
  };

  return [
    {
      name: 'provisioner.yaml is a valid definition, its params a JSON Schema that refuses unknown params, and every template it names exists',
      run: async () => {
        const p = definition();
        expect(p.description.length).toBeGreaterThan(0);
        expect(p.params['additionalProperties'], `provisioners/${folder}/provisioner.yaml: params must set additionalProperties: false`).toBe(false);
        for (const name of Object.values(p.templates ?? {})) expect(p.templateSources.has(name)).toBe(true);
        expect(existsSync(join(dir, 'README.md')), `provisioners/${folder}/README.md documents params and outputs`).toBe(true);
      },
    },
    ...CONTRACT_ENVIRONMENTS.map(([env, pr]): ContractCheck => ({
      name: `example: golden, strict Kubernetes and CRD schemas and valid names in ${env}`,
      ...(skip ? { skip } : {}),
      run: async () => {
        const result = render(example(), env, pr);
        expectValidNames(result.objects);
        await expectSchemaValid(result);
        const golden = join(dir, '__golden__', `example.${env}.yaml`);
        if (options.updateGoldens) {
          mkdirSync(join(dir, '__golden__'), { recursive: true });
          writeFileSync(golden, result.yaml);
        }
        expect(existsSync(golden), `${golden} is missing: create it with UPDATE_GOLDENS=1`).toBe(true);
        expect(result.yaml).toBe(readFileSync(golden, 'utf8'));
      },
    })),
    {
      name: 'name limits: a 63-character workload name keeps every name and label valid',
      ...(skip ? { skip } : {}),
      run: async () => {
        const score = example();
        const long = `w${'x'.repeat(61)}w`;
        const name = score.metadata['name'];
        score.metadata['name'] = long;
        // Params that name the workload (a secret path 'payments/shop/...') follow the rename.
        for (const r of Object.values(score.resources ?? {})) {
          for (const [key, value] of Object.entries(r.params ?? {})) {
            if (typeof value === 'string') r.params![key] = value.split('/').map((part) => (part === name ? long : part)).join('/');
          }
        }
        expectValidNames(render(score).objects);
      },
    },
    {
      name: 'injection: a hostile string in any string param is one value (same objects), or refused with a position',
      ...(skip ? { skip } : {}),
      run: async () => {
        const base = example();
        const baseline = kinds(render(base).objects);
        for (const name of served(base)) {
          for (const [key, value] of Object.entries(base.resources![name]!.params ?? {})) {
            if (typeof value !== 'string') continue;
            for (const hostile of INJECTIONS) {
              const score = example();
              score.resources![name]!.params![key] = hostile;
              const text = JSON.stringify(score, null, 2);
              let objects: string[] | undefined;
              try {
                objects = kinds(render(score).objects);
              } catch {
                // A params schema refuses it at its position, or the template refuses it with fail(): then at the
                // resource's position, with the template's line and column.
                expect(renderError(text)).toMatch(new RegExp(`^services/svc/score\\.yaml:\\d+:\\d+: resources\\.${name}(\\.params\\.${key}: |: provisioner '${folder}' \\([^)]+\\): line \\d+, column \\d+: )`));
              }
              if (objects) expect(objects, `${name}.params.${key} = ${JSON.stringify(hostile)}`).toEqual(baseline);
            }
          }
        }
      },
    },
    {
      name: 'param errors: an unknown param is refused at its position in score.yaml',
      ...(skip ? { skip } : {}),
      run: async () => {
        for (const name of served(example())) {
          const score = example();
          const resource = score.resources![name]!;
          resource.params = { ...resource.params, zzUnknownParam: 'x' };
          const text = JSON.stringify(score, null, 2);
          expect(renderError(text)).toMatch(new RegExp(`^services/svc/score\\.yaml:${positionOf(text, 'zzUnknownParam')}: resources\\.${name}\\.params\\.zzUnknownParam: unknown (param|field)\\b`));
        }
      },
    },
  ];
}
