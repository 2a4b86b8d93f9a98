// A synthetic score-nx workspace for the benchmarks (nx-bench.mjs, diff-bench.mjs): N services in a temp git
// repository whose node_modules links to this repository's. Half are services/hello-web (files.source, no
// resources, no service-config), half my-service-like (a configmap resource, images per environment). Two commits:
// the services, then the provisioner library released as 1.0.0 (prod pins it).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes the workspace and returns its folder (the caller removes it). */
export function syntheticWorkspace(repoRoot, N) {
  const { cutRelease } = createRequire(join(repoRoot, 'package.json'))('@score-nx/engine');
  const root = mkdtempSync(join(tmpdir(), 'score-nx-bench-'));
  const write = (path, content) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const env = (kubernetesVersion, provisioners) =>
    `kubernetesVersion: ${kubernetesVersion}\nprovisioners: ${provisioners}\nnamespace:\n  fromMetadata: engineNamespace\nmetadata:\n  domain: example.com\n`;
  write('environments/dev.yaml', env('1.33.0', 'workspace'));
  write('environments/staging.yaml', env('1.32.0', 'workspace'));
  write('environments/prod.yaml', env('1.31.0', '1.0.0'));
  // The library: the repository's provisioners, as they are now.
  // The whole library (library.yaml names every provisioner, and they include _shared/ parts), without tests,
  // docs and goldens.
  cpSync(join(repoRoot, 'provisioners'), join(root, 'provisioners'), {
    recursive: true,
    filter: (src) => !/\.test\.ts$|\.md$|[\\/](__golden__|test-support)$/.test(src),
  });
  // Templates from the examples: services/hello-web (files.source, no resources, no service-config) and a
  // my-service-like one (a configmap resource, service-config.yaml with images per environment).
  const hello = readFileSync(join(repoRoot, 'services/hello-web/score.yaml'), 'utf8');
  const site = readFileSync(join(repoRoot, 'services/hello-web/site/index.html'), 'utf8');
  for (let i = 0; i < N; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    const dir = `services/${name}`;
    const team = `team-${i % 20}`;
    if (i % 2 === 0) {
      write(`${dir}/score.yaml`, hello.replace(/\n {2}engineNamespace: .*/, '').replace(/\n {2}level1System: .*/, '').replace(/name: hello-web/, `name: ${name}\n  engineNamespace: ${team}\n  level1System: sys-${i % 7}`));
      write(`${dir}/site/index.html`, site.replace('</body>', `<p>${name}</p></body>`));
    } else {
      write(
        `${dir}/score.yaml`,
        `apiVersion: score.dev/v1b1
metadata:
  name: ${name}
  engineNamespace: ${team}
  level1System: sys-${i % 7}
  repoSlug: MyOrg/${name}
containers:
  web:
    image: "."
    resources:
      requests: { memory: 256Mi, cpu: 100m }
service:
  ports:
    http:
      port: 3000
resources:
  config:
    type: configmap
    params:
      configData:
        APP_NAME: "${name}"
        LOG_LEVEL: "info"
        REGION: \${metadata.domain}
`,
      );
      write(
        `${dir}/service-config.yaml`,
        `environments:\n${['dev', 'staging', 'prod'].map((e) => `  ${e}:\n    images:\n      web: registry.example.com/${name}:1.${i}.0-${e}\n`).join('')}`,
      );
    }
  }
  write('package.json', '{ "name": "bench", "private": true }\n');
  write('.gitignore', 'node_modules\ndist\n.nx\n');
  write('nx.json', JSON.stringify({ neverConnectToCloud: true, defaultBase: 'main', plugins: [{ plugin: '@score-nx/nx-plugin', options: {} }] }, null, 2));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  const git = (...a) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...a], { cwd: root, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  cutRelease(root, '1.0.0');
  git('add', '-A');
  git('commit', '-q', '-m', 'release 1.0.0');
  return root;
}
