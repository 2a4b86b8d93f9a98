import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { USAGE } from './cli-args';
import { K8S_LOCATION, LOCAL, SHARED_CRD_LOCATION, deployment, kubeconform, tmpdir } from '../test-support/run';
import { missingReference, sharedCrdCatalog } from '../test-support/paths';

const DEPLOY_URL = `file://${path.join(path.dirname(K8S_LOCATION).replace('{{ .NormalizedKubernetesVersion }}', 'v1.33.0'), 'v1.33.0-standalone')}`;
const PREFIX = 'problem validating schema. Check JSON formatting: jsonschema validation failed with ';

describe('spec §6 [run] rows', () => {
  it('Deployment with spec.foo: invalid with -strict, valid without', async () => {
    const dir = tmpdir({ 'd.yaml': deployment().replace('spec:\n  selector', 'spec:\n  foo: 1\n  selector') });
    const strict = await kubeconform([...LOCAL, '-strict', 'd.yaml'], { cwd: dir });
    expect(strict).toEqual({
      code: 1,
      stdout: `d.yaml - Deployment web is invalid: ${PREFIX}'${DEPLOY_URL}-strict/deployment-apps-v1.json#' - at '/spec': additional properties 'foo' not allowed\n`,
      stderr: '',
    });
    expect(await kubeconform([...LOCAL, 'd.yaml'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a bad creationTimestamp passes for built-in kinds (no format assertion under 2020-12)', async () => {
    const dir = tmpdir({ 'd.yaml': deployment().replace('  name: web\n', '  name: web\n  creationTimestamp: not-a-date\n') });
    expect(await kubeconform([...LOCAL, '-strict', '-verbose', 'd.yaml'], { cwd: dir })).toEqual({ code: 0, stdout: 'd.yaml - Deployment web is valid\n', stderr: '' });
  });

  // The workspace emits no KEDA objects: this row reads the catalog's own ScaledObject schema beside the clone.
  it.skipIf(missingReference(sharedCrdCatalog))(`KEDA status.lastActiveTime: not-a-time is invalid (Draft 4 asserts date-time)${missingReference(sharedCrdCatalog) ? ` — ${missingReference(sharedCrdCatalog)}` : ''}`, async () => {
    const so = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: so}
spec:
  scaleTargetRef: {name: web}
  triggers:
    - type: cpu
      metadata: {value: "50"}
status:
  lastActiveTime: not-a-time
`;
    const dir = tmpdir({ 'so.yaml': so });
    const r = await kubeconform([...LOCAL, '-schema-location', SHARED_CRD_LOCATION, '-output', 'json', 'so.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const url = `file://${path.join(sharedCrdCatalog, 'keda.sh/scaledobject_v1alpha1.json')}`;
    expect(JSON.parse(r.stdout)).toEqual({
      resources: [
        {
          filename: 'so.yaml',
          kind: 'ScaledObject',
          name: 'so',
          version: 'keda.sh/v1alpha1',
          status: 'statusInvalid',
          msg: `${PREFIX}'${url}#' - at '/status/lastActiveTime': 'not-a-time' is not valid date-time: less than 20 characters long`,
          validationErrors: [{ path: '/status/lastActiveTime', msg: "'not-a-time' is not valid date-time: less than 20 characters long" }],
        },
      ],
    });
  });

  it.each([
    ['replicas: "3"', 1, `d.yaml - Deployment web is invalid: ${PREFIX}'${DEPLOY_URL}/deployment-apps-v1.json#' - at '/spec/replicas': got string, want null or integer\n`],
    ['replicas: ~', 0, ''],
    ['replicas: 3.0', 0, ''],
    ['replicas: 1e2', 0, ''],
    [
      'strategy:\n    rollingUpdate:\n      maxSurge: null',
      1,
      // both branches were made nullable, so null matches both and fails the oneOf
      `d.yaml - Deployment web is invalid: ${PREFIX}'${DEPLOY_URL}/deployment-apps-v1.json#' - at '/spec/strategy/rollingUpdate/maxSurge': oneOf failed, subschemas 0, 1 matched\n`,
    ],
  ])('Deployment spec %s', async (line, code, stdout) => {
    const dir = tmpdir({ 'd.yaml': deployment().replace('spec:\n  selector', `spec:\n  ${line}\n  selector`) });
    expect(await kubeconform([...LOCAL, 'd.yaml'], { cwd: dir })).toEqual({ code, stdout, stderr: '' });
  });

  it('ConfigMap data {flag: yes} is a boolean under YAML 1.1', async () => {
    const dir = tmpdir({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  flag: yes\n' });
    const url = `${DEPLOY_URL}/configmap-v1.json`;
    expect(await kubeconform([...LOCAL, 'cm.yaml'], { cwd: dir })).toEqual({
      code: 1,
      stdout: `cm.yaml - ConfigMap cm is invalid: ${PREFIX}'${url}#' - at '/data/flag': got boolean, want null or string\n`,
      stderr: '',
    });
  });

  it('kind: List with 2 items gives two results with the List file path', async () => {
    const list = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: b}
`;
    const dir = tmpdir({ 'list.yaml': list });
    expect(await kubeconform([...LOCAL, '-verbose', '-summary', 'list.yaml'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'list.yaml - ConfigMap a is valid\nlist.yaml - ServiceAccount b is valid\nSummary: 2 resources found in 1 file - Valid: 2, Invalid: 0, Errors: 0, Skipped: 0\n',
      stderr: '',
    });
  });

  it('items: [] yields the Empty placeholder for a file and 0 resources on stdin', async () => {
    const dir = tmpdir({ 'l.yaml': 'apiVersion: v1\nkind: List\nitems: []\n' });
    expect(await kubeconform([...LOCAL, '-summary', '-output', 'tap', 'l.yaml'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'TAP version 13\nok 1 - l.yaml (empty)\n1..1\n',
      stderr: '',
    });
    expect(await kubeconform([...LOCAL, '-summary'], { stdin: 'apiVersion: v1\nkind: List\nitems: []\n' })).toEqual({
      code: 0,
      stdout: 'Summary: 0 resource found parsing stdin - Valid: 0, Invalid: 0, Errors: 0, Skipped: 0\n',
      stderr: '',
    });
  });

  it("document without apiVersion: Error missing 'apiVersion' key", async () => {
    const dir = tmpdir({ 'x.yaml': 'kind: ConfigMap\nmetadata: {name: x}\n' });
    expect(await kubeconform([...LOCAL, 'x.yaml'], { cwd: dir })).toEqual({
      code: 1,
      stdout: "x.yaml - ConfigMap x failed validation: error while parsing: missing 'apiVersion' key\n",
      stderr: '',
    });
  });

  it('unknown CR kind: could not find schema; Skipped with -ignore-missing-schemas (exit 0)', async () => {
    const dir = tmpdir({ 'w.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n' });
    expect(await kubeconform([...LOCAL, 'w.yaml'], { cwd: dir })).toEqual({
      code: 1,
      stdout: 'w.yaml - Widget w failed validation: could not find schema for Widget\n',
      stderr: '',
    });
    expect(await kubeconform([...LOCAL, '-ignore-missing-schemas', '-verbose', '-summary', 'w.yaml'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'w.yaml - w Widget skipped\nSummary: 1 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 0, Skipped: 1\n',
      stderr: '',
    });
  });

  it('a CR schema with the pattern (?<=a)b does not compile: could not find schema', async () => {
    const dir = tmpdir({
      'schemas/example.com/widget_v1.json': JSON.stringify({ properties: { spec: { type: 'object', properties: { x: { type: 'string', pattern: '(?<=a)b' } } } } }),
      'w.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {x: ab}\n',
    });
    const loc = 'schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json';
    expect(await kubeconform(['-schema-location', loc, 'w.yaml'], { cwd: dir })).toEqual({
      code: 1,
      stdout: 'w.yaml - Widget w failed validation: could not find schema for Widget\n',
      stderr: '',
    });
  });

  it('a local schema file that is not JSON is an Error with the JSON parse message', async () => {
    const dir = tmpdir({ 'schemas/example.com/widget_v1.json': 'not json', 'w.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n' });
    const loc = 'schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json';
    expect(await kubeconform(['-schema-location', loc, 'w.yaml'], { cwd: dir })).toEqual({
      code: 1,
      stdout: "w.yaml - Widget w failed validation: invalid character 'o' in literal null (expecting 'u')\n",
      stderr: '',
    });
  });

  it('PrometheusRule partial_response_strategy: ABORT is valid (Go (?i)); a wrong value is not', async () => {
    const rule = (v: string) => `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: r}
spec:
  groups:
    - name: g
      partial_response_strategy: ${v}
      rules:
        - alert: A
          expr: up == 0
`;
    const dir = tmpdir({ 'ok.yaml': rule('ABORT'), 'warn.yaml': rule('warn'), 'bad.yaml': rule('explode') });
    expect(await kubeconform([...LOCAL, 'ok.yaml', 'warn.yaml'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
    const bad = await kubeconform([...LOCAL, '-output', 'json', 'bad.yaml'], { cwd: dir });
    expect(JSON.parse(bad.stdout).resources[0].validationErrors).toEqual([
      { path: '/spec/groups/0/partial_response_strategy', msg: "'explode' does not match pattern '^(?i)(abort|warn)?$'" },
    ]);
  });

  it('ExternalSecret status.refreshTime: null is invalid (nullable ignored under Draft 4)', async () => {
    const es = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: es}
spec: {}
status:
  refreshTime: null
`;
    const dir = tmpdir({ 'es.yaml': es });
    const r = await kubeconform([...LOCAL, '-output', 'json', 'es.yaml'], { cwd: dir });
    expect(JSON.parse(r.stdout).resources[0].validationErrors).toEqual([{ path: '/status/refreshTime', msg: 'got null, want string' }]);
  });
});

describe('statuses, discovery and outputs (spec §1)', () => {
  const files = () =>
    tmpdir({
      'dir/a.yaml': deployment(),
      'dir/b.yml': '# only a comment\n',
      'dir/sub/c.json': '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "ns"}, "data": {"k": 1}}',
      'dir/notes.txt': 'ignored',
      'err.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\ndata: [1, 2\n',
    });

  it('text output with -verbose -summary covers every status', async () => {
    const dir = files();
    const r = await kubeconform([...LOCAL, '-summary', '-verbose', '-skip', 'Secret', 'dir', 'err.yaml', 'missing.yaml'], { cwd: dir });
    expect(r).toEqual({
      code: 1,
      stdout:
        'dir/a.yaml - Deployment web is valid\n' +
        `dir/sub/c.json - ConfigMap c is invalid: ${PREFIX}'${DEPLOY_URL}/configmap-v1.json#' - at '/data/k': got number, want null or string\n` +
        "err.yaml - failed validation: error unmarshalling resource: error converting YAML to JSON: yaml: line 4: did not find expected ',' or ']'\n" +
        'missing.yaml - failed validation: lstat missing.yaml: no such file or directory\n' +
        'Summary: 4 resources found in 5 files - Valid: 1, Invalid: 1, Errors: 2, Skipped: 0\n',
      stderr: '',
    });
  });

  it('json output: only failures without -verbose, Empty as status "" with it', async () => {
    const dir = tmpdir({ 'empty.yaml': '', 'ok.yaml': deployment() });
    expect((await kubeconform([...LOCAL, '-output', 'json', 'empty.yaml', 'ok.yaml'], { cwd: dir })).stdout).toBe('{\n  "resources": []\n}\n');
    const v = await kubeconform([...LOCAL, '-output', 'json', '-verbose', '-summary', 'empty.yaml', 'ok.yaml'], { cwd: dir });
    expect(v.stdout).toBe(`{
  "resources": [
    {
      "filename": "empty.yaml",
      "kind": "",
      "name": "",
      "version": "",
      "status": "",
      "msg": ""
    },
    {
      "filename": "ok.yaml",
      "kind": "Deployment",
      "name": "web",
      "version": "apps/v1",
      "status": "statusValid",
      "msg": ""
    }
  ],
  "summary": {
    "valid": 1,
    "invalid": 0,
    "errors": 0,
    "skipped": 0
  }
}
`);
  });

  it('tap output', async () => {
    const dir = tmpdir({
      'a.yaml': deployment() + '---\n# nothing\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n---\nkind: X\n',
    });
    const r = await kubeconform([...LOCAL, '-output', 'tap', '-skip', 'v1/Secret', 'a.yaml'], { cwd: dir });
    expect(r.stdout).toBe(
      'TAP version 13\n' +
        'ok 1 - a.yaml (apps/v1/Deployment//web)\n' +
        'ok 2 - a.yaml (empty)\n' +
        'ok 3 - a.yaml (v1/Secret/ns/s) # skip\n' +
        `not ok 4 - a.yaml (v1/ConfigMap//c): ${PREFIX}'${DEPLOY_URL}/configmap-v1.json#' - at '/data/a': got number, want null or string\n` +
        "not ok 5 - a.yaml: error while parsing: missing 'apiVersion' key\n" +
        '1..5\n',
    );
    expect(r.code).toBe(1);
  });

  it('junit output', async () => {
    const dir = tmpdir({
      'a.yaml': deployment() + '---\napiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\n',
      'b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "c<&>"}\ndata: {a: 1}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n',
      'c.yaml': '',
    });
    const r = await kubeconform([...LOCAL, '-output', 'junit', '-skip', 'Secret', '-reject', 'Pod', 'a.yaml', 'b.yaml', 'c.yaml'], { cwd: dir });
    expect(r.stdout).toBe(
      '<testsuites name="kubeconform" time="0.5" tests="4" failures="1" disabled="1" errors="1">\n' +
        '  <testsuite name="a.yaml" id="1" tests="2" failures="0" errors="0" disabled="0" skipped="1">\n' +
        '    <testcase name="web" classname="Deployment@apps/v1" time="0"></testcase>\n' +
        '    <testcase name="ns/s" classname="Secret@v1" time="0">\n' +
        '      <skipped message=""></skipped>\n' +
        '    </testcase>\n' +
        '  </testsuite>\n' +
        '  <testsuite name="b.yaml" id="2" tests="2" failures="1" errors="1" disabled="0" skipped="0">\n' +
        '    <testcase name="c&lt;&amp;&gt;" classname="ConfigMap@v1" time="0">\n' +
        `      <failure message="${PREFIX}&#39;${DEPLOY_URL}/configmap-v1.json#&#39; - at &#39;/data/a&#39;: got number, want null or string" type=""></failure>\n` +
        '    </testcase>\n' +
        '    <testcase name="p" classname="Pod@v1" time="0">\n' +
        '      <error message="prohibited resource kind Pod" type=""></error>\n' +
        '    </testcase>\n' +
        '  </testsuite>\n' +
        '  <testsuite name="c.yaml" id="3" tests="0" failures="0" errors="0" disabled="0" skipped="0"></testsuite>\n' +
        '</testsuites>\n',
    );
    expect(r.code).toBe(1);
  });

  it('junit with no results', async () => {
    const dir = tmpdir({ 'x.txt': 'nope' });
    expect((await kubeconform(['-output', 'junit', 'x.txt'], { cwd: dir })).stdout).toBe(
      '<testsuites name="kubeconform" time="0.5" tests="0" failures="0" disabled="0" errors="0"></testsuites>\n',
    );
  });

  it('junit: an empty file still has its empty testsuite (kubeconform v0.7.0)', async () => {
    const dir = tmpdir({ 'empty.yaml': '', 'comment.yaml': '# nothing\n' });
    expect((await kubeconform(['-output', 'junit', 'empty.yaml', 'comment.yaml'], { cwd: dir })).stdout).toBe(
      '<testsuites name="kubeconform" time="0.5" tests="0" failures="0" disabled="0" errors="0">\n' +
        '  <testsuite name="empty.yaml" id="1" tests="0" failures="0" errors="0" disabled="0" skipped="0"></testsuite>\n' +
        '  <testsuite name="comment.yaml" id="2" tests="0" failures="0" errors="0" disabled="0" skipped="0"></testsuite>\n' +
        '</testsuites>\n',
    );
  });

  it('pretty output', async () => {
    const dir = tmpdir({ 'a.yaml': deployment() + '---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n' });
    const r = await kubeconform([...LOCAL, '-output', 'pretty', '-verbose', '-summary', '-reject', 'Pod', '-skip', 'Secret', 'a.yaml'], { cwd: dir });
    expect(r.stdout).toBe(
      '\x1b[32m✔\x1b[0m a.yaml: \x1b[32mDeployment web is valid\x1b[0m\n' +
        '\x1b[31m✖\x1b[0m a.yaml: \x1b[31mPod failed validation: p prohibited resource kind Pod\x1b[0m\n' +
        '\x1b[33m-\x1b[0m a.yaml: \x1b[33mSecret s skipped\x1b[0m\n' +
        'Summary: 3 resources found in 1 file - Valid: 1, Invalid: 0, Errors: 1, Skipped: 1\n',
    );
  });

  it('skip is checked before reject; both match Kind or apiVersion/Kind exactly', async () => {
    const dir = tmpdir({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' });
    expect(await kubeconform([...LOCAL, '-verbose', '-skip', 'ConfigMap', '-reject', 'ConfigMap', 'a.yaml'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'a.yaml - a ConfigMap skipped\n',
      stderr: '',
    });
    expect(await kubeconform([...LOCAL, '-reject', ' configmap , v1/ConfigMap', 'a.yaml'], { cwd: dir })).toEqual({
      code: 1,
      stdout: 'a.yaml - ConfigMap a failed validation: prohibited resource kind ConfigMap\n',
      stderr: '',
    });
  });

  it('files named explicitly still need a YAML/JSON extension', async () => {
    const dir = tmpdir({ 'x.txt': deployment() });
    expect(await kubeconform([...LOCAL, '-summary', 'x.txt'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'Summary: 0 resource found in 0 file - Valid: 0, Invalid: 0, Errors: 0, Skipped: 0\n',
      stderr: '',
    });
  });

  it('-ignore-filename-pattern (RE2, unanchored) and a bad pattern', async () => {
    const dir = tmpdir({ 'd/a.yaml': deployment(), 'd/sub/b.yaml': 'kind: X\n' });
    expect(await kubeconform([...LOCAL, '-summary', '-ignore-filename-pattern', 'sub/b', 'd'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0\n',
      stderr: '',
    });
    expect(await kubeconform([...LOCAL, '-ignore-filename-pattern', '(', 'd'], { cwd: dir })).toEqual({
      code: 1,
      stdout: 'd - failed validation: error parsing regexp: missing closing ): `(`\n',
      stderr: '',
    });
  });

  it('-exit-on-error stops at the first failure', async () => {
    const dir = tmpdir({ 'a.yaml': 'kind: X\n', 'b.yaml': 'kind: Y\n' });
    expect(await kubeconform([...LOCAL, '-exit-on-error', '-summary', 'a.yaml', 'b.yaml'], { cwd: dir })).toEqual({
      code: 1,
      stdout: "a.yaml - failed validation: error while parsing: missing 'apiVersion' key\nSummary: 1 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 1, Skipped: 0\n",
      stderr: '',
    });
  });

  it('stdin: no arguments or "-", label stdin, zero-length chunks are Empty', async () => {
    const input = `${deployment()}---\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`;
    for (const args of [[], ['-']]) {
      expect(await kubeconform([...LOCAL, '-output', 'tap', ...args], { stdin: input })).toEqual({
        code: 0,
        stdout: 'TAP version 13\nok 1 - stdin (apps/v1/Deployment//web)\nok 2 - stdin (empty)\nok 3 - stdin (v1/ConfigMap//c)\n1..3\n',
        stderr: '',
      });
    }
  });

  it('generateName becomes the name with a {{ generateName }} suffix', async () => {
    const dir = tmpdir({ 'j.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: job-}\n' });
    expect((await kubeconform([...LOCAL, '-verbose', 'j.yaml'], { cwd: dir })).stdout).toBe('j.yaml - ConfigMap job-{{ generateName }} is valid\n');
  });

  it('duplicate keys are an Error only under -strict', async () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: x1\n  b: x2\n  a: x3\n';
    const dir = tmpdir({ 'c.yaml': doc });
    expect(await kubeconform([...LOCAL, 'c.yaml'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await kubeconform([...LOCAL, '-strict', 'c.yaml'], { cwd: dir })).toEqual({
      code: 1,
      // The identity comes from a non-strict decode, so the Error keeps kind and name (as kubeconform).
      stdout: 'c.yaml - ConfigMap c failed validation: error unmarshalling resource: error converting YAML to JSON: yaml: unmarshal errors:\n  line 8: key "a" already set in map\n',
      stderr: '',
    });
  });

  it('.inf is an Error', async () => {
    const dir = tmpdir({ 'd.yaml': deployment().replace('spec:\n  selector', 'spec:\n  replicas: .inf\n  selector') });
    expect((await kubeconform([...LOCAL, 'd.yaml'], { cwd: dir })).stdout).toBe(
      'd.yaml - failed validation: error unmarshalling resource: error converting YAML to JSON: json: unsupported value: +Inf\n',
    );
  });

  it('a CustomResourceDefinition manifest never has a built-in schema', async () => {
    const dir = tmpdir({ 'crd.yaml': 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\n' });
    expect((await kubeconform([...LOCAL, 'crd.yaml'], { cwd: dir })).stdout).toBe(
      'crd.yaml - CustomResourceDefinition x failed validation: could not find schema for CustomResourceDefinition\n',
    );
  });
});

describe('flags (spec §1)', () => {
  it('parsing stops at the first non-flag argument', async () => {
    const dir = tmpdir({ 'a.yaml': deployment() });
    expect(await kubeconform([...LOCAL, 'a.yaml', '-strict'], { cwd: dir })).toEqual({
      code: 1,
      stdout: 'a.yaml - failed validation: lstat -strict: no such file or directory\n'.replace('a.yaml - failed validation: lstat -strict', '-strict - failed validation: lstat -strict'),
      stderr: '',
    });
  });

  it('--flag and -flag=value spellings', async () => {
    const dir = tmpdir({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' });
    expect(await kubeconform(['--kubernetes-version=1.33.0', `--schema-location=${K8S_LOCATION}`, '--strict=true', '--verbose', 'a.yaml'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'a.yaml - ConfigMap a is valid\n',
      stderr: '',
    });
  });

  it('directory shorthand appends the standalone layout; file:// works', async () => {
    const dir = tmpdir({
      'schemas/v1.33.0-standalone-strict/configmap-v1.json': JSON.stringify({ type: 'object', properties: { data: { type: 'object' } }, additionalProperties: true }),
      'c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: 5\n',
    });
    const want = `c.yaml - ConfigMap c is invalid: problem validating schema. Check JSON formatting: jsonschema validation failed with 'file://${dir}/schemas/v1.33.0-standalone-strict/configmap-v1.json#' - at '/data': got number, want object\n`;
    for (const loc of ['schemas/', `file://${dir}/schemas`]) {
      expect(await kubeconform(['-kubernetes-version', '1.33.0', '-strict', '-schema-location', loc, 'c.yaml'], { cwd: dir })).toEqual({ code: 1, stdout: want, stderr: '' });
    }
    expect(fs.existsSync(path.join(dir, 'schemas'))).toBe(true);
  });
});

const TEMPLATE_FIELDS = 'struct { NormalizedKubernetesVersion string; StrictSuffix string; ResourceKind string; ResourceAPIVersion string; Group string; KindSuffix string }';

/**
 * Command lines that stop before validating, as kubeconform's acceptance.bats lists them: argv in; exit code,
 * stdout and the exact stderr out. `usage` rows print the message and then the usage on stderr. Each runs in a
 * temp folder holding `files`.
 */
const STOPS: Array<{ name: string; argv: string[]; stderr: string; code?: number; usage?: true; files?: Record<string, string> }> = [
  {
    name: 'a bad -kubernetes-version',
    argv: ['-kubernetes-version', '1.33', 'a.yaml'],
    usage: true,
    stderr: 'invalid value "1.33" for flag -kubernetes-version: 1.33 is not a valid version. Valid values are "master" (default) or full version x.y.z (e.g. "1.27.2")',
  },
  { name: 'an unknown flag', argv: ['-nope'], usage: true, stderr: 'flag provided but not defined: -nope' },
  { name: 'a flag without its value', argv: ['-output'], usage: true, stderr: 'flag needs an argument: -output' },
  { name: 'a bad boolean', argv: ['-strict=maybe'], usage: true, stderr: 'invalid boolean value "maybe" for -strict: parse error' },
  { name: 'an unknown output format', argv: ['-output', 'yaml', 'a.yaml'], stderr: "'outputFormat' must be 'json', 'junit', 'pretty', 'tap' or 'text'\n" },
  {
    name: 'a template field that does not exist',
    argv: ['-schema-location', '/x/{{ .Nope }}.json', 'a.yaml'],
    stderr: `failed initialising schema location registry: template: tpl:1:6: executing "tpl" at <.Nope>: can't evaluate field Nope in type ${TEMPLATE_FIELDS}\n`,
  },
  { name: 'an unclosed template action', argv: ['-schema-location', '/x/{{ .Group.json', 'a.yaml'], stderr: 'failed initialising schema location registry: template: tpl:1: unclosed action\n' },
  { name: 'a -cache folder that does not exist', argv: ['-cache', 'nowhere', 'a.yaml'], stderr: 'failed opening cache folder nowhere: stat nowhere: no such file or directory\n' },
  { name: '-n 0: deadlocks like Go (exit 2)', argv: [...LOCAL, '-n', '0', 'a.yaml'], files: { 'a.yaml': deployment() }, code: 2, stderr: 'fatal error: all goroutines are asleep - deadlock!\n' },
];

describe('command lines that stop before validating (spec §1)', () => {
  it('prints the usage kubeconform prints', () => {
    expect(USAGE.startsWith('Usage: kubeconform [OPTION]... [FILE OR FOLDER]...\n  -cache string\n')).toBe(true);
  });

  it.each(STOPS)('$name', async ({ argv, stderr, code, usage, files }) => {
    const dir = tmpdir(files);
    expect(await kubeconform(argv, { cwd: dir })).toEqual({ code: code ?? 1, stdout: '', stderr: usage ? `${stderr}\n${USAGE}\n` : stderr });
  });

  it('-h prints usage to stdout, exit 0', async () => {
    expect(await kubeconform(['-h'])).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
  });
});
