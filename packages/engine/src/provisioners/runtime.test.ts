import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { instanceSuffix } from '../render-workload';
import { COMMAND_INPUT_API_VERSION } from './runtime';
import { createWorkspace, errorOf, scoreYaml } from './test-support/workspace';
import type { Files } from './test-support/workspace';

/** A node command provisioner: its behaviour is chosen by the `mode` param. */
const NODE_COMMAND = `#!/usr/bin/env node
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  const mode = req.resource.params.mode || 'ok';
  if (mode === 'badjson') return process.stdout.write('{"outputs": ');
  if (mode === 'unknown') return process.stdout.write(JSON.stringify({ outputs: { host: 'h' }, secrets: {} }));
  if (mode === 'badmanifest') return process.stdout.write(JSON.stringify({ outputs: { host: 'h' }, manifests: [{ kind: 'ConfigMap' }] }));
  if (mode === 'nooutput') return process.stdout.write(JSON.stringify({}));
  process.stdout.write(JSON.stringify({
    outputs: { host: req.workload.name + '.' + req.namespace + '.svc' },
    manifests: [{
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: req.workload.name + '-' + req.resource.name },
      data: {
        input: JSON.stringify(req),
        env: JSON.stringify(process.env),
        cwd: process.cwd(),
        argv: JSON.stringify(process.argv.slice(2)),
      },
    }],
    workload: { podAnnotations: { 'command.example.com/ran': 'yes' }, env: [{ name: 'CMD_HOST', value: 'set' }] },
  }));
});
`;

const COMMANDS: Files = {
  'provisioners/cmd/provisioner.yaml': [
    'type: cmd',
    'description: A command provisioner.',
    'params: {type: object, additionalProperties: false, properties: {mode: {type: string}}}',
    'outputs: [host]',
    'command: [./provision.js, --flag, two words]',
    '',
  ].join('\n'),
  'provisioners/cmd/provision.js': NODE_COMMAND,
  'provisioners/failing/provisioner.yaml': 'type: failing\ndescription: Fails.\ncommand: [./fail.sh]\n',
  'provisioners/failing/fail.sh': '#!/bin/sh\ncat >/dev/null\nfor i in 1 2 3 4 5 6 7; do echo "problem $i" >&2; done\necho "partial output"\nexit 3\n',
  'provisioners/missing/provisioner.yaml': 'type: missing\ndescription: Not on PATH.\ncommand: [score-nx-no-such-program]\n',
  'provisioners/onpath/provisioner.yaml': 'type: onpath\ndescription: A program found on PATH.\ncommand: [sh, -c, "cat >/dev/null; echo \'{\\"outputs\\": {\\"from\\": \\"sh\\"}}\'"]\n',
};

function ws(resources: string[]): ReturnType<typeof createWorkspace> {
  return createWorkspace({ ...COMMANDS, 'services/api/score.yaml': scoreYaml('api', ['resources:', ...resources]) });
}

describe('command provisioners', () => {
  it('receive the documented input and return outputs, manifests and a workload patch', () => {
    const w = ws(['  db:', '    type: cmd', '    metadata: {annotations: {note: "n1"}}', '  settings:', '    type: config', '    params: {configData: {HOST: "${resources.db.host}"}}']);
    const r = w.generate('api', 'dev');
    expect(r.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/api-db', 'ConfigMap/api-settings', 'Deployment/api']);
    const data = r.objects[0]!['data'] as Record<string, string>;
    const instance = `api${instanceSuffix('api', 'dev')}`;
    expect(JSON.parse(data['input']!)).toEqual({
      apiVersion: COMMAND_INPUT_API_VERSION,
      workload: {
        name: 'api',
        metadata: { region: 'eu-west-1', domain: 'dev.example.com', name: 'api', team: 'team-a' },
        annotations: {},
        containers: { main: { image: 'nginx:1.27' } },
        ports: [],
        instance,
        selector: { 'app.kubernetes.io/instance': instance },
      },
      resource: { name: 'db', uid: 'cmd.default#api.db', type: 'cmd', class: 'default', id: null, params: {}, metadata: { annotations: { note: 'n1' } } },
      environment: { name: 'dev', kubernetesVersion: '1.33.0', metadata: { region: 'eu-west-1', domain: 'dev.example.com' }, capabilities: { flavor: 'new' }, preview: false, pr: null },
      namespace: 'team-a',
      labels: { 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/managed-by': 'score-nx', 'app.kubernetes.io/name': 'api', 'platform.example.com/team': 'team-a' },
      resources: {},
    });
    expect(COMMAND_INPUT_API_VERSION).toBe('score-nx.dev/provisioner-input/v1');
    // Only PATH and LANG; run in the provisioner folder, with its arguments.
    expect(Object.keys(JSON.parse(data['env']!)).sort()).toEqual(['LANG', 'PATH']);
    expect(JSON.parse(data['env']!)['LANG']).toBe('C.UTF-8');
    expect(data['cwd']).toBe(realpathSync(join(w.root, 'provisioners', 'cmd')));
    expect(JSON.parse(data['argv']!)).toEqual(['--flag', 'two words']);
    // Outputs feed later resources; the patch reaches the pod template; labels and namespace are added.
    expect(r.objects[1]!['data']).toEqual({ HOST: 'api.team-a.svc' });
    expect(r.objects[0]!.metadata.namespace).toBe('team-a');
    expect(r.objects[0]!.metadata.labels).toEqual({ 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/managed-by': 'score-nx', 'app.kubernetes.io/name': 'api', 'platform.example.com/team': 'team-a' });
    const template = (r.objects[2]!['spec'] as { template: { metadata: { annotations: Record<string, string> }; spec: { containers: Array<Record<string, unknown>> } } }).template;
    expect(template.metadata.annotations).toEqual({ 'k8s.score.dev/workload-name': 'api', 'command.example.com/ran': 'yes' });
    expect(template.spec.containers[0]!['env']).toEqual([{ name: 'CMD_HOST', value: 'set' }]);
  });

  it('runs a program from PATH', () => {
    const w = ws(['  xx:', '    type: onpath', '  zz:', '    type: config', '    params: {configData: {F: "${resources.xx.from}"}}']);
    expect(w.generate('api', 'dev').objects[0]!['data']).toEqual({ F: 'sh' });
  });

  it('a non-zero exit is an error naming the provisioner, with the tail of stderr', () => {
    expect(errorOf(() => ws(['  db:', '    type: failing']).generate('api', 'dev'))).toBe(
      "services/api/score.yaml:9:3: resources.db: command provisioner 'failing': exited with status 3: problem 3 | problem 4 | problem 5 | problem 6 | problem 7",
    );
  });

  it('a program that cannot be run is an error', () => {
    expect(errorOf(() => ws(['  db:', '    type: missing']).generate('api', 'dev'))).toBe("services/api/score.yaml:9:3: resources.db: command provisioner 'missing': cannot run 'score-nx-no-such-program': ENOENT");
  });

  it('invalid JSON is an error', () => {
    expect(errorOf(() => ws(['  db:', '    type: cmd', '    params: {mode: badjson}']).generate('api', 'dev'))).toMatch(
      /^services\/api\/score\.yaml:9:3: resources\.db: command provisioner 'cmd': printed invalid JSON: /,
    );
  });

  it('an unknown key in the output is an error', () => {
    expect(errorOf(() => ws(['  db:', '    type: cmd', '    params: {mode: unknown}']).generate('api', 'dev'))).toBe(
      "services/api/score.yaml:9:3: resources.db: command provisioner 'cmd': invalid output at '/secrets': unknown field 'secrets' (expected {outputs, manifests, workload})",
    );
  });

  it('a manifest without apiVersion, kind and name is an error', () => {
    expect(errorOf(() => ws(['  db:', '    type: cmd', '    params: {mode: badmanifest}']).generate('api', 'dev'))).toBe(
      "services/api/score.yaml:9:3: resources.db: provisioner 'cmd' (command output): every manifest needs apiVersion, kind and metadata.name strings",
    );
  });

  it('a promised output that is missing is an error', () => {
    expect(errorOf(() => ws(['  db:', '    type: cmd', '    params: {mode: nooutput}']).generate('api', 'dev'))).toBe(
      "services/api/score.yaml:9:3: resources.db: provisioner 'cmd' promises output 'host' but did not produce it",
    );
  });
});
