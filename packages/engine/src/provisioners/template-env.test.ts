import { describe, expect, it } from 'vitest';
import { createTemplateEnvironment } from './template-env';
import { parseAllDocuments } from 'yaml';
import { createWorkspace, errorOf, scoreYaml } from './test-support/workspace';
import type { Files } from './test-support/workspace';

/** Values that would change the structure of the output if a template pasted them as text. */
const NASTY = [
  'x\n---\nkind: Secret',
  'a"\n  extra: key',
  '{{ 7*7 }}',
  '{% if true %}yes{% endif %}',
  '${metadata.name}',
  '\u2028line\u2029para\u0085next',
  'key: value',
  '- item',
  '#comment',
  '&anchor',
  '*alias',
  '!!binary x',
  '%YAML 1.1',
  '"',
  "'",
  'yes',
  '0x1F',
  '',
  ' leading and trailing ',
  'tab\there\r\nwindows',
  'back\\slash \\n',
];

/**
 * `echo` renders every way a template may use a value: from params (as key and as value), workload metadata and
 * annotations, another resource's outputs, concatenation, flow collections (tojson) and a YAML string (toyaml).
 */
const ECHO: Files = {
  'provisioners/echo/provisioner.yaml': 'type: echo\ndescription: Echoes values.\nparams: {type: object}\noutputs: [echoed]\ntemplates: {outputs: o.yaml.njk, manifests: m.yaml.njk}\n',
  'provisioners/echo/o.yaml.njk': 'echoed: {{ resource.params.v }}\n{{ resource.params.v }}: key\n',
  'provisioners/echo/m.yaml.njk': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: echo',
    '  annotations: {{ workload.annotations | tojson }}',
    'data:',
    '  param: {{ resource.params.v }}',
    '  substituted: {{ resource.params.fromMeta }}',
    '  meta: {{ workload.metadata.note }}',
    '  output: {{ resources.echo.echoed }}',
    '  concat: {{ "<" ~ resource.params.v ~ ">" }}',
    '  flow: {{ resource.params | tojson | tojson }}',
    '  yaml: {{ {"v": resource.params.v} | toyaml }}',
    '  {{ resource.params.v ~ "-key" }}: key',
    '  list: {{ [resource.params.v] | tojson | tojson }}',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: echo-keys',
    'data:',
    '{% for key, value in resources.echo %}',
    '  {{ key }}: {{ value }}',
    '{% endfor %}',
    '',
  ].join('\n'),
};

/** `$` starts a placeholder in params and variables: `$$` is a literal `$`. */
const lit = (v: string) => JSON.stringify(v.replaceAll('$', () => '$$'));

function render(value: string) {
  const w = createWorkspace({
    ...ECHO,
    'services/api/score.yaml': scoreYaml('api', [
      `  note: ${JSON.stringify(value)}`,
      `  annotations: {example.com/note: ${JSON.stringify(value)}}`,
      'containers:',
      '  main:',
      '    image: nginx:1.27',
      `    variables: {V: ${lit(value)}, ${value === '' ? '"EMPTY"' : JSON.stringify(value)}: k, M: "\${metadata.note}"}`,
      'resources:',
      '  cfg:',
      '    type: config',
      `    params: {configData: {${JSON.stringify(value)}: ${lit(value)}, plain: ${lit(value)}}}`,
      '  echo:',
      '    type: echo',
      `    params: {v: ${lit(value)}, fromMeta: "\${metadata.note}"}`,
    ]),
  });
  return w.generate('api', 'dev');
}

describe('values are always one YAML scalar', () => {
  it.each(NASTY.map((v) => [JSON.stringify(v), v]))('%s keeps the structure and comes back exactly', (_label, value) => {
    const r = render(value);
    const docs = parseAllDocuments(r.yaml, { version: '1.1' });
    if (!Array.isArray(docs)) throw new Error('expected a YAML stream');
    const list = docs;
    expect(list.flatMap((d) => d.errors)).toEqual([]);
    const objects = list.map((d) => d.toJS() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(objects.map((o) => `${o['kind']}/${o['metadata'].name}`)).toEqual(['ConfigMap/api-cfg', 'ConfigMap/echo', 'ConfigMap/echo-keys', 'Deployment/api']);
    // The YAML 1.1 reading of the output is the engine's own reading.
    expect(objects).toEqual(JSON.parse(JSON.stringify(r.objects)));
    const [cfg, echo, keys, deployment] = objects;
    expect(cfg!['data']).toEqual(value === 'plain' ? { plain: value } : { [value]: value, plain: value });
    expect(echo!['metadata'].annotations).toEqual({ 'example.com/note': value });
    expect(echo!['data']).toEqual({
      param: value,
      substituted: value,
      meta: value,
      output: value,
      concat: `<${value}>`,
      flow: echo!['data'].flow,
      yaml: echo!['data'].yaml,
      [`${value}-key`]: 'key',
      list: echo!['data'].list,
    });
    // Flow collections escape what YAML 1.1 reads as line breaks; they read back as the value.
    expect(JSON.parse(echo!['data'].flow as string)).toEqual({ v: value, fromMeta: value });
    expect(JSON.parse(echo!['data'].list as string)).toEqual([value]);
    expect(parseAllDocuments(echo!['data'].yaml as string, { version: '1.1' }).map((d) => d.toJS())).toEqual([{ v: value }]);
    expect(keys!['data']).toEqual({ echoed: value, [value]: 'key' });
    const env = [
      { name: 'M', value },
      { name: 'V', value },
      { name: value === '' ? 'EMPTY' : value, value: 'k' },
    ]
      // An empty value is written as no value (the same to Kubernetes).
      .map((e) => (e.value === '' ? { name: e.name } : e)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    expect(deployment!['spec'].template.spec.containers).toEqual([{ name: 'main', image: 'nginx:1.27', env, envFrom: [{ configMapRef: { name: 'api-cfg' } }] }]);
  });
});

describe('templates are sandboxed', () => {
  function renderTemplate(template: string, extra: Files = {}): string {
    const w = createWorkspace({
      'provisioners/t/provisioner.yaml': 'type: tt\ndescription: A template under test.\ntemplates: {manifests: m.yaml.njk}\n',
      'provisioners/t/m.yaml.njk': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n  x: ${template}\n`,
      'services/api/score.yaml': scoreYaml('api', ['resources:', '  tt:', '    type: tt']),
      ...extra,
    });
    return errorOf(() => w.generate('api', 'dev'));
  }
  const prefix = "services/api/score.yaml:9:3: resources.tt: provisioner 't' (m.yaml.njk): ";

  it('cannot reach JavaScript internals', () => {
    expect(renderTemplate('{{ "".constructor.constructor("return process")() }}')).toBe(`${prefix}line 4, column 34: access to 'constructor' is not allowed in provisioner templates`);
    expect(renderTemplate('{{ range["constr" ~ "uctor"]("return process")() }}')).toBe(`${prefix}line 4, column 33: access to 'constructor' is not allowed in provisioner templates`);
    expect(renderTemplate('{{ labels.__proto__ }}')).toBe(`${prefix}access to '__proto__' is not allowed in provisioner templates`);
  });

  it('cannot include files outside its folder', () => {
    expect(renderTemplate('{% include "/etc/passwd" %}')).toBe(`${prefix}template '/etc/passwd' is not part of this provisioner`);
    expect(renderTemplate('{% include "../other/x.njk" %}', { 'provisioners/other/x.njk': 'stolen' })).toBe(`${prefix}template '../other/x.njk' is not part of this provisioner`);
  });

  it('can include a template of its own folder', () => {
    const w = createWorkspace({
      'provisioners/t/provisioner.yaml': 'type: tt\ndescription: d\ntemplates: {manifests: m.yaml.njk}\n',
      'provisioners/t/m.yaml.njk': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n{% include "part.njk" %}\n',
      'provisioners/t/part.njk': '  x: {{ workload.name }}\n',
      'services/api/score.yaml': scoreYaml('api', ['resources:', '  tt:', '    type: tt']),
    });
    expect(w.generate('api', 'dev').objects[0]!['data']).toEqual({ x: 'api' });
  });

  it('refuses the filters that pass raw text', () => {
    for (const filter of ['safe', 'escape', 'e', 'forceescape', 'urlize']) {
      expect(renderTemplate(`{{ workload.name | ${filter} }}`)).toBe(`${prefix}the '${filter}' filter is not available in provisioner templates: values are always emitted as YAML scalars`);
    }
  });

  it('an undefined value is an error', () => {
    expect(renderTemplate('{{ workload.nope }}')).toBe(`${prefix}line 5, column 6: attempted to output null or undefined value`);
    expect(renderTemplate('{{ nope }}')).toBe(`${prefix}line 5, column 6: attempted to output null or undefined value`);
  });

  it('has no environment or process access through globals', () => {
    expect(renderTemplate('{{ process.env.HOME }}')).toMatch(/^services\/api\/score\.yaml:9:3: resources\.tt: provisioner 't' \(m\.yaml\.njk\): /);
    expect(renderTemplate('{{ require("fs") }}')).toMatch(/^services\/api\/score\.yaml:9:3: resources\.tt: provisioner 't' \(m\.yaml\.njk\): /);
  });
});

describe('tojson output', () => {
  const render = (template: string, context: object) => createTemplateEnvironment(new Map([['t.njk', template]])).render('t.njk', context);

  it('is emitted as a flow collection', () => {
    expect(render('v: {{ x | tojson }}', { x: { a: ['b'] } })).toBe('v: {"a":["b"]}');
  });

  it('cannot be turned into raw text: a string made from it is quoted, a filter that does not apply leaves the JSON', () => {
    const value = 'x"}\nkind: Secret';
    expect(render('v: {{ (x | tojson) ~ "" }}', { x: value })).toBe(`v: ${JSON.stringify(JSON.stringify(value))}`);
    expect(render('v: {{ x | tojson | replace("\\"", "") }}', { x: value })).toBe(`v: ${JSON.stringify(value)}`);
  });
});

describe('long strings in provisioner output', () => {
  const emitted = (value: string) => createTemplateEnvironment(new Map([['t.njk', 'v: {{ value }}\n']])).render('t.njk', { value });
  const readBack = (text: string) => (parseAllDocuments(text)[0]!.toJS() as { v: string }).v;

  it("are single-quoted when they hold no line break or control character (the yaml library reads a double-quoted scalar into a string of a million pieces: memory ~200x a configData value's size)", () => {
    const long = `it's ${'x'.repeat(1_000_000)} \\n "quoted" é`;
    const text = emitted(long);
    expect(text.startsWith("v: 'it''s xxx")).toBe(true);
    expect(readBack(text)).toBe(long);
  });

  it('keep the escaped double-quoted form when they hold a line break, a tab or a character YAML 1.1 reads as one', () => {
    for (const special of ['\n', '\t', '\u2028', '\u0085', '\u001b', '\ufeff']) {
      const long = `${'y'.repeat(2000)}${special}z`;
      const text = emitted(long);
      expect(text.startsWith('v: "yyy')).toBe(true);
      expect(text.split('\n').length).toBe(2);
      expect(readBack(text)).toBe(long);
    }
  });

  it('below 1,024 characters keep the JSON form', () => {
    expect(emitted(`a'${'b'.repeat(1000)}`)).toBe(`v: "a'${'b'.repeat(1000)}"\n`);
  });
});
