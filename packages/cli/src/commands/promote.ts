import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isMap, isScalar, parseDocument } from 'yaml';
import type { YAMLMap } from 'yaml';
import { loadEnvironments, loadScoreFile, SERVICE_CONFIG_FILE, UserError, writeFileAtomic } from '@score-nx/engine';
import type { CliIo } from '../io';
import { findService } from '../services';
import { findWorkspaceRoot } from '../workspace';

interface PromoteFlags {
  env?: string;
  image?: string[];
  from?: string;
  to?: string;
  dryRun?: boolean;
}

export interface ImageChange {
  environment: string;
  container: string;
  from: string | undefined;
  to: string;
}

export function registerPromote(program: Command, io: CliIo): void {
  program
    .command('promote')
    .description("update a service's images in service-config.yaml, keeping comments and formatting")
    .argument('<service>', 'service name (metadata.name) or folder')
    .option('-e, --env <env>', 'the environment to set images in (with --image)')
    .option('-i, --image <[container=]ref>', 'image reference; the container may be omitted when there is one (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--from <env>', 'copy every image from this environment...')
    .option('--to <env>', '...to this one')
    .option('--dry-run', 'print the changes without writing')
    .action((service: string, flags: PromoteFlags) => {
      const root = findWorkspaceRoot(io.cwd, io.env);
      const ref = findService(root, io.cwd, service);
      const changes = promote(root, ref.dir, flags);
      if (changes.length === 0) {
        io.stderr.write(`${ref.name}: nothing to change\n`);
        return;
      }
      for (const c of changes) io.stdout.write(`${ref.name} ${c.environment} ${c.container}: ${c.from ?? '(none)'} -> ${c.to}\n`);
    });
}

/** Applies a promotion to `<serviceDir>/service-config.yaml` and returns what changed. */
export function promote(root: string, serviceDir: string, flags: PromoteFlags): ImageChange[] {
  const configPath = join(serviceDir, SERVICE_CONFIG_FILE);
  if (!existsSync(configPath)) throw new UserError(`${SERVICE_CONFIG_FILE} not found in ${serviceDir}`);
  const text = readFileSync(configPath, 'utf8');
  const doc = parseDocument(text);
  const [firstError] = doc.errors;
  if (firstError !== undefined) throw new UserError(`${SERVICE_CONFIG_FILE}: ${firstError.message.split('\n')[0]}`);
  const environments = loadEnvironments(root);
  const containers = Object.keys(loadScoreFile(join(serviceDir, 'score.yaml'), 'score.yaml').workload.containers).sort();
  const requireEnv = (env: string) => {
    if (!environments.has(env)) throw new UserError(`unknown environment '${env}' (environments: ${[...environments.keys()].join(', ')})`);
    const node = doc.getIn(['environments', env], true);
    if (!isMap(node)) throw new UserError(`the service does not deploy to '${env}': ${SERVICE_CONFIG_FILE} has no environments.${env}`);
    return node as YAMLMap;
  };

  let wanted: Array<{ container: string; image: string }>;
  let target: string;
  if (flags.from !== undefined || flags.to !== undefined) {
    if (flags.from === undefined || flags.to === undefined) throw new UserError('--from and --to go together');
    if (flags.env !== undefined || flags.image !== undefined) throw new UserError('use either --from/--to or --env/--image');
    requireEnv(flags.from);
    requireEnv(flags.to);
    target = flags.to;
    const images = (doc.getIn(['environments', flags.from, 'images']) as YAMLMap | undefined)?.toJSON() as Record<string, string> | undefined;
    if (!images || Object.keys(images).length === 0) throw new UserError(`environments.${flags.from} has no images to promote`);
    wanted = Object.entries(images).map(([container, image]) => ({ container, image }));
  } else {
    if (flags.env === undefined || !flags.image?.length) throw new UserError('give --env and --image, or --from and --to');
    requireEnv(flags.env);
    target = flags.env;
    wanted = flags.image.map((spec) => parseImageSpec(spec, containers));
  }
  for (const w of wanted) {
    if (!containers.includes(w.container)) throw new UserError(`unknown container '${w.container}' (containers: ${containers.join(', ')})`);
  }
  const changes: ImageChange[] = [];
  const edits: Array<{ start: number; end: number; text: string }> = [];
  let structural = false;
  for (const { container, image } of wanted.sort((a, b) => (a.container < b.container ? -1 : 1))) {
    const path = ['environments', target, 'images', container];
    const node = doc.getIn(path, true);
    const current = isScalar(node) ? node.value : undefined;
    if (current === image) continue;
    if (isScalar(node) && node.range) {
      // Replace just the value's characters: comments, spacing and every other line stay byte for byte.
      edits.push({ start: node.range[0], end: node.range[1], text: scalarText(image, node.type) });
    } else {
      doc.setIn(path, image);
      structural = true;
    }
    changes.push({ environment: target, container, from: typeof current === 'string' ? current : undefined, to: image });
  }
  if (changes.length > 0 && !flags.dryRun) {
    let out = text;
    if (structural) out = doc.toString();
    else for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
    writeFileAtomic(configPath, out);
  }
  return changes;
}

function scalarText(value: string, style: string | undefined): string {
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (style === 'QUOTE_DOUBLE') return JSON.stringify(value);
  return value;
}

function parseImageSpec(spec: string, containers: string[]): { container: string; image: string } {
  // `container=ref`; a bare ref is for the only container. `=` cannot appear in an image reference.
  const eq = spec.indexOf('=');
  if (eq > 0) return { container: spec.slice(0, eq), image: validImage(spec.slice(eq + 1)) };
  const [only, ...others] = containers;
  if (only === undefined || others.length > 0) throw new UserError(`the service has containers ${containers.join(', ')}: say which, as <container>=<image>`);
  return { container: only, image: validImage(spec) };
}

function validImage(ref: string): string {
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/i.test(ref) || ref.includes('..')) throw new UserError(`'${ref}' is not an image reference`);
  return ref;
}
