// The Score project's public samples (examples, resources, specification) render for dev and prod, strictly valid,
// from a folder holding only the sample's Score file (and the files it reads) and a service-config.yaml that sets
// images: no platform metadata added. A sample using a type this library does not provision yet is skipped by
// name (NOT_YET_PROVIDED); any other missing type fails. Fixtures and their licence: test-support/score-examples/NOTICE.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { tempService, WORKSPACE_ROOT } from './test-support/render';
import { expectSchemaValid } from './test-support/helpers';

const FIXTURES = join(__dirname, 'test-support', 'score-examples');
// Stored as <name>.fixture.yaml, not <name>.yaml: the Nx plugin would otherwise infer them as projects.
const FIXTURE_SUFFIX = '.fixture.yaml';

/**
 * Types of the samples this library has no provisioner for: `endpoint` and `llm-model` are no score-k8s default
 * types (the samples' own platforms').
 */
const NOT_YET_PROVIDED = new Set(['endpoint', 'llm-model']);

function samples(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return samples(path);
    return name.endsWith(FIXTURE_SUFFIX) ? [path] : [];
  });
}

/** The other files of a sample's folder (what its `files` read), by name. */
function sampleFiles(file: string): Record<string, string> {
  const dir = dirname(file);
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => !name.endsWith(FIXTURE_SUFFIX) && statSync(join(dir, name)).isFile())
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

/** A service-config.yaml that only sets an image for every container, in every environment. */
function imagesOnly(scoreYaml: string): string {
  const containers = Object.keys((parseDocument(scoreYaml).toJS() as { containers: Record<string, unknown> }).containers);
  const images = Object.fromEntries(containers.map((c) => [c, `registry.example.com/samples/${c}:1.0.0`]));
  return JSON.stringify({ environments: Object.fromEntries(['dev', 'staging', 'prod', 'preview'].map((e) => [e, { images }])) });
}

/** The resource types the workspace's library provisions. */
function libraryTypes(): Set<string> {
  const dir = join(WORKSPACE_ROOT, 'provisioners');
  return new Set(
    readdirSync(dir).flatMap((folder) => {
      try {
        const type = parseDocument(readFileSync(join(dir, folder, 'provisioner.yaml'), 'utf8')).get('type');
        return typeof type === 'string' ? [type] : [];
      } catch {
        return [];
      }
    }),
  );
}

const FILES = samples(FIXTURES).sort();
const PROVIDED = libraryTypes();

const typesOf = (text: string) => new Set(Object.values((parseDocument(text).toJS() as { resources?: Record<string, { type: string }> }).resources ?? {}).map((r) => r.type));

describe(`Score samples (${relative(__dirname, FIXTURES)})`, () => {
  it('holds every Score file of the examples repository (NOTICE names the commit)', () => {
    expect(FILES).toHaveLength(41);
  });

  it('skips only samples whose missing types are known to be missing', () => {
    const missing = new Set(FILES.flatMap((f) => [...typesOf(readFileSync(f, 'utf8'))].filter((t) => !PROVIDED.has(t))));
    expect([...missing].filter((t) => !NOT_YET_PROVIDED.has(t))).toEqual([]);
    // the postgres, mysql and redis samples are rendered, not skipped
    for (const t of ['postgres', 'mysql', 'redis', 'service', 'dns', 'route', 'volume', 'amqp', 'mongodb']) expect(PROVIDED.has(t)).toBe(true);
  });

  for (const file of FILES) {
    const text = readFileSync(file, 'utf8');
    const types = typesOf(text);
    const missing = [...types].filter((t) => !PROVIDED.has(t)).sort();
    const title = `${relative(FIXTURES, file)} renders strict-valid for dev and prod`;
    it.skipIf(missing.length > 0)(missing.length > 0 ? `${title} (skipped: the library has no ${missing.join(', ')} provisioner yet)` : title, async () => {
      // A variant Score file (score-ai.yaml) is the folder's Score file here; the CLI tests cover variant names.
      const service = tempService(text, imagesOnly(text), sampleFiles(file));
      try {
        for (const env of ['dev', 'prod']) {
          const result = service.render(env);
          const kinds = new Set(result.objects.map((o) => o.kind));
          expect(kinds.has('Deployment')).toBe(true);
          // the environment-aware record: ExternalDNS in dev, Route 53 (ACK) in prod
          expect(kinds.has('DNSEndpoint')).toBe(types.has('dns') && env === 'dev');
          expect(kinds.has('RecordSet')).toBe(types.has('dns') && env === 'prod');
          expect(kinds.has('VirtualService')).toBe(types.has('route'));
          // amqp: the RabbitMQ operators in dev, Amazon MQ (ACK) in prod; mongodb: the MongoDB Community operator in both
          expect(kinds.has('RabbitmqCluster')).toBe(types.has('amqp') && env === 'dev');
          expect(kinds.has('Broker')).toBe(types.has('amqp') && env === 'prod');
          expect(kinds.has('MongoDBCommunity')).toBe(types.has('mongodb'));
          await expectSchemaValid(result);
        }
      } finally {
        service.cleanup();
      }
    });
  }
});
