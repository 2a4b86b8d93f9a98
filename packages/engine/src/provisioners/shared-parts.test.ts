import { describe, expect, it } from 'vitest';
import { createWorkspace, errorOf, scoreYaml } from './test-support/workspace';
import type { Files } from './test-support/workspace';

/**
 * `provisioners/_shared/*.njk`: parts every provisioner of the library may include or import by the name
 * `_shared/<file>`. A provisioner's own templates are the top-level `*.njk` files of its folder, so a provisioner
 * cannot shadow a shared part: `_shared/x.njk` always names the library's file.
 */
const part = (manifests: string, files: Files = {}): Files => ({
  'provisioners/part/provisioner.yaml': 'type: part\ndescription: Uses shared parts.\ntemplates: {manifests: manifests.yaml.njk}\n',
  'provisioners/part/manifests.yaml.njk': manifests,
  'services/web/score.yaml': scoreYaml('web', ['resources:', '  pp:', '    type: part']),
  ...files,
});

const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata:\n${data}`;

describe('_shared/ template parts', () => {
  it('are included by their _shared/ name and see the including template’s variables', () => {
    const ws = createWorkspace(part(`{% set greeting = "hello" %}\n${configMap('{% include "_shared/data.njk" %}\n')}`, { 'provisioners/_shared/data.njk': '  greeting: {{ greeting ~ " " ~ workload.name }}\n' }));
    const cm = ws.generate('web', 'dev').objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'shared');
    expect(cm?.['data']).toEqual({ greeting: 'hello web' });
  });

  it('export variables through import, and a shared part may import another one', () => {
    const ws = createWorkspace(
      part(`{% from "_shared/names.njk" import fullName with context %}\n${configMap('  name: {{ fullName }}\n')}`, {
        'provisioners/_shared/names.njk': '{% from "_shared/base.njk" import prefix %}\n{% set fullName = prefix ~ "-" ~ workload.name %}\n',
        'provisioners/_shared/base.njk': '{% set prefix = "team" %}\n',
      }),
    );
    expect(ws.generate('web', 'dev').objects.find((o) => o.metadata.name === 'shared')?.['data']).toEqual({ name: 'team-web' });
  });

  it('an include of a missing shared part is an error, when the library loads, naming the template, line and column', () => {
    const ws = createWorkspace(part(`${configMap('  a: "1"\n{% include "_shared/missing.njk" %}\n')}`));
    expect(errorOf(() => ws.generate('web', 'dev'))).toBe(
      "environments/dev.yaml: provisioners/part/manifests.yaml.njk:6:1: template '_shared/missing.njk' is not in the library's _shared/ folder",
    );
  });

  it('are not shadowed by a provisioner’s own _shared/ subfolder, and are not visible without the _shared/ prefix', () => {
    const files = {
      'provisioners/_shared/data.njk': '  from: library\n',
      'provisioners/part/_shared/data.njk': '  from: provisioner\n',
    };
    const ws = createWorkspace(part(configMap('{% include "_shared/data.njk" %}\n'), files));
    expect(ws.generate('web', 'dev').objects.find((o) => o.metadata.name === 'shared')?.['data']).toEqual({ from: 'library' });
    const bare = createWorkspace(part(configMap('{% include "data.njk" %}\n'), files));
    expect(errorOf(() => bare.generate('web', 'dev'))).toBe("services/web/score.yaml:9:3: resources.pp: provisioner 'part' (manifests.yaml.njk): template 'data.njk' is not part of this provisioner");
  });

  it('a shared part that includes a missing part is an error naming the shared part', () => {
    const ws = createWorkspace(part(configMap('{% include "_shared/a.njk" %}\n'), { 'provisioners/_shared/a.njk': '  a: "1"\n  {% include "./b.njk" %}\n' }));
    expect(errorOf(() => ws.generate('web', 'dev'))).toBe("environments/dev.yaml: provisioners/_shared/a.njk:2:3: template './b.njk' is not in the library's _shared/ folder");
  });

  it('only top-level *.njk files of _shared/ are parts', () => {
    const ws = createWorkspace(part(configMap('{% include "_shared/deeper/data.njk" %}\n'), { 'provisioners/_shared/deeper/data.njk': '  x: "1"\n' }));
    expect(errorOf(() => ws.generate('web', 'dev'))).toBe(
      "environments/dev.yaml: provisioners/part/manifests.yaml.njk:5:1: template '_shared/deeper/data.njk' is not in the library's _shared/ folder",
    );
  });
});
