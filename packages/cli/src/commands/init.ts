import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { renderEveryEnvironment, scaffoldService, UserError, writeFileAtomic } from '@score-nx/engine';
import type { CliIo } from '../io';
import { logger } from '../io';
import { findWorkspaceRoot } from '../workspace';

interface InitFlags {
  name?: string;
  namespace?: string;
  image?: string;
  resources?: string;
  owner?: string;
}

export function registerInit(program: Command, io: CliIo): void {
  program
    .command('init')
    .description('create a service: score.yaml (with the editor-schema modeline) and service-config.yaml for every environment, rendered once')
    .argument('<dir>', 'the new service folder, e.g. services/payments-api')
    .option('--name <name>', 'the service name (metadata.name); the folder name by default')
    .option('--namespace <namespace>', "the team's namespace (metadata.engineNamespace); the name by default")
    .option('--owner <team>', 'the owning team, for the developer portal (metadata.owner); the namespace by default')
    .option('--image <image>', 'the container image of every environment (registry.example.com/<name>:0.1.0 by default)')
    .option('--resources <types>', "comma-separated resource types of the library, e.g. postgres,redis ('score-nx provisioners list')")
    .action((dir: string, flags: InitFlags) => {
      const root = findWorkspaceRoot(io.cwd, io.env);
      const target = resolve(io.cwd, dir);
      const directory = relative(root, target).split('\\').join('/');
      const service = scaffoldService(root, {
        name: flags.name ?? basename(target),
        directory,
        ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
        ...(flags.owner !== undefined ? { owner: flags.owner } : {}),
        ...(flags.image !== undefined ? { image: flags.image } : {}),
        ...(flags.resources !== undefined ? { resources: flags.resources.split(',').map((r) => r.trim()).filter(Boolean) } : {}),
      });
      const created = !existsSync(target);
      mkdirSync(target, { recursive: true });
      for (const [path, content] of Object.entries(service.files)) writeFileAtomic(join(root, path), content);
      let rendered: string[];
      try {
        rendered = renderEveryEnvironment(root, service.directory, service.environments);
      } catch (err) {
        // A service that does not render is not left behind half-made.
        if (created) rmSync(target, { recursive: true, force: true });
        else for (const path of Object.keys(service.files)) rmSync(join(root, path), { force: true });
        if (err instanceof UserError) throw new UserError(`the new service does not render, nothing was written: ${err.message}`);
        throw err;
      }
      const log = logger(io);
      for (const path of Object.keys(service.files)) log.info(`created ${path}`);
      for (const line of rendered) log.info(`rendered ${line}`);
    });
}
