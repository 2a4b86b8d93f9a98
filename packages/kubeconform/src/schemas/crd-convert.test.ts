import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crdToSchemas, runImportCrd } from './crd-convert';
import { kubeconform, tmpdir } from '../test-support/run';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                port: {format: int-or-string}
                when: {type: string, format: date-time, nullable: true}
                tags:
                  type: array
                  items:
                    type: object
                    properties: {k: {type: string}}
              anyOf:
                - properties: {port: {type: integer}}
    - name: v2beta1
      served: true
      storage: false
`;

describe('CRD import (openapi2jsonschema.py, spec §2.3)', () => {
  it('converts like the script: additionalProperties except root, int-or-string oneOf, lists not walked', () => {
    const doc = { kind: 'CustomResourceDefinition', spec: { group: 'example.com', names: { kind: 'Widget' }, versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { port: { format: 'int-or-string' } }, anyOf: [{ properties: { a: {} } }] } } } } }] } };
    expect(crdToSchemas([doc])).toEqual([
      {
        path: 'example.com/widget_v1.json',
        schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              properties: { port: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
              anyOf: [{ properties: { a: {} } }],
              additionalProperties: false,
            },
          },
        },
      },
    ]);
  });

  it('import-crd writes catalog-layout files that kubeconform then uses', async () => {
    const dir = tmpdir({ 'crd.yaml': CRD, 'w.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {port: http, extra: 1, when: null}\n' });
    let stdout = '';
    const code = await runImportCrd(['crd.yaml', '--out', 'out'], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toBe('JSON schema written to out/example.com/widget_v1.json\n');
    const written = fs.readFileSync(path.join(dir, 'out/example.com/widget_v1.json'), 'utf8');
    expect(JSON.parse(written).properties.spec.additionalProperties).toBe(false);
    expect(written.endsWith('}\n')).toBe(true);
    const r = await kubeconform(['-schema-location', 'out/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json', '-output', 'json', 'w.yaml'], { cwd: dir });
    // kubeconform v0.7.0 prints the same three causes (in a run-dependent order): the /spec group is the
    // root's only failure, so v6 lists its causes.
    expect(JSON.parse(r.stdout).resources[0].validationErrors).toEqual([
      { path: '/spec', msg: "additional properties 'extra' not allowed" },
      { path: '/spec', msg: 'anyOf failed' },
      { path: '/spec/when', msg: 'got null, want string' },
    ]);
    expect(JSON.parse(r.stdout).resources[0].msg).toBe(
      `problem validating schema. Check JSON formatting: jsonschema validation failed with 'file://${dir}/out/example.com/widget_v1.json#' - at '/spec': additional properties 'extra' not allowed - at '/spec': anyOf failed   - at '/spec/port': got string, want integer - at '/spec/when': got null, want string`,
    );
  });

  it('usage errors', async () => {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) } };
    expect(await runImportCrd(['crd.yaml'], io)).toBe(1);
    expect(stderr).toBe('Usage: score-nx validate import-crd <crd.yaml>... --out <dir>\n');
  });
});
