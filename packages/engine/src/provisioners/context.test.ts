import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createWorkspace, errorOf, scoreYaml } from './test-support/workspace';

const CONTEXT_FILE = join(__dirname, 'context.ts');
const DOCS_FILE = join(__dirname, '..', '..', '..', '..', 'docs', 'provisioners.md');

/** The fields of the context interfaces in context.ts, with their TSDoc, by interface name. */
function contextFields(): Map<string, Map<string, string>> {
  const source = ts.createSourceFile(CONTEXT_FILE, readFileSync(CONTEXT_FILE, 'utf8'), ts.ScriptTarget.ES2022, true);
  const interfaces = new Map<string, Map<string, string>>();
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement) || !/Context$/.test(statement.name.text)) continue;
    const fields = new Map<string, string>();
    for (const member of statement.members) {
      if (!ts.isPropertySignature(member)) continue;
      const doc = ts.getJSDocCommentsAndTags(member).map((d) => (typeof d.comment === 'string' ? d.comment : '')).join(' ');
      fields.set((member.name as ts.Identifier).text, doc);
    }
    interfaces.set(statement.name.text, fields);
  }
  return interfaces;
}

/** The rows of the "Template context" table: the names of the first cell, and the second cell. */
function docsRows(): Array<{ names: string[]; content: string }> {
  const text = readFileSync(DOCS_FILE, 'utf8');
  const section = text.slice(text.indexOf('## Template context'));
  const start = section.indexOf('\n|');
  const table = section.slice(start, section.indexOf('\n\n', start));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [, names, content] = line.split('|').map((c) => c.trim());
      return { names: [...names!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), content: content! };
    });
}

/** Every documented path (`workload.name`, `resource.uid`, `namespace`...): a row per field, or a `{a, b}` list in a row. */
function documentedPaths(): string[] {
  const paths: string[] = [];
  for (const row of docsRows()) {
    for (const name of row.names) {
      const list = /^`?\{([^}]+)\}/.exec(row.content.replace(/^`/, ''));
      if (!name.includes('.') && list) paths.push(...list[1]!.split(',').map((f) => `${name}.${f.trim()}`));
      else paths.push(name);
    }
  }
  return paths.sort();
}

describe('the template context', () => {
  const fields = contextFields();
  const nested: Record<string, string> = { workload: 'WorkloadContext', resource: 'ResourceContext', environment: 'EnvironmentContext' };

  it('has one TSDoc line per field', () => {
    const undocumented = [...fields].flatMap(([iface, f]) => [...f].filter(([, doc]) => doc.trim() === '').map(([name]) => `${iface}.${name}`));
    expect(fields.get('TemplateContext')?.size).toBeGreaterThan(0);
    expect(undocumented).toEqual([]);
  });

  it('is what docs/provisioners.md documents, field for field', () => {
    const typed: string[] = [];
    for (const name of fields.get('TemplateContext')!.keys()) {
      const inner = nested[name];
      if (inner) typed.push(...[...fields.get(inner)!.keys()].map((f) => `${name}.${f}`));
      else typed.push(name);
    }
    expect(documentedPaths()).toEqual(typed.sort());
  });
});

describe("a resource's templates see its own outputs", () => {
  const files = {
    'provisioners/own/provisioner.yaml': [
      'type: own',
      'description: Uses its own outputs.',
      'outputs: [name]',
      'templates: {outputs: outputs.yaml.njk, workload: workload.yaml.njk, manifests: manifests.yaml.njk}',
      '',
    ].join('\n'),
    'provisioners/own/outputs.yaml.njk': 'name: {{ workload.name ~ "-computed-once" }}\n',
    'provisioners/own/workload.yaml.njk': 'podAnnotations: {own.example.com/name: {{ resource.outputs.name }}}\n',
    'provisioners/own/manifests.yaml.njk': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ resource.outputs.name }}\n',
    'services/api/score.yaml': scoreYaml('api', ['resources:', '  thing: {type: own}']),
  };

  it('as resource.outputs in the workload patch and the manifests', () => {
    const result = createWorkspace(files).generate('api', 'dev');
    const configMap = result.objects.find((o) => o.kind === 'ConfigMap')!;
    expect(configMap.metadata.name).toBe('api-computed-once');
    const deployment = result.objects.find((o) => o.kind === 'Deployment')!;
    const template = (deployment['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template;
    expect(template.metadata.annotations['own.example.com/name']).toBe('api-computed-once');
  });

  it('but not while the outputs themselves render', () => {
    const ws = createWorkspace({ ...files, 'provisioners/own/outputs.yaml.njk': 'name: {{ resource.outputs.name }}\n' });
    expect(errorOf(() => ws.generate('api', 'dev'))).toMatch(/outputs\.yaml\.njk\): .*undefined/);
  });
});
