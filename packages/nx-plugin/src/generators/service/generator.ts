import { logger } from '@nx/devkit';
import type { GeneratorCallback, Tree } from '@nx/devkit';
import { renderEveryEnvironment, scaffoldService, UserError } from '@score-nx/engine';

export interface ServiceGeneratorSchema {
  name: string;
  namespace?: string;
  image?: string;
  resources?: string[] | string;
  owner?: string;
  directory?: string;
  skipRender?: boolean;
}

/** `nx g @score-nx/nx-plugin:service <name>`: the engine's scaffold, written through the Tree (so --dry-run works). */
export default function serviceGenerator(tree: Tree, options: ServiceGeneratorSchema): GeneratorCallback {
  // An empty prompt answer means "the default".
  const given = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const resources = typeof options.resources === 'string' ? options.resources.split(',') : (options.resources ?? []);
  const namespace = given(options.namespace);
  const image = given(options.image);
  const owner = given(options.owner);
  const directory = given(options.directory);
  const service = scaffoldService(tree.root, {
    name: options.name,
    resources: resources.map((r) => r.trim()).filter(Boolean),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(owner !== undefined ? { owner } : {}),
    ...(directory !== undefined ? { directory } : {}),
  });
  for (const path of Object.keys(service.files)) {
    if (tree.exists(path)) throw new UserError(`${path} already exists`);
  }
  for (const [path, content] of Object.entries(service.files)) tree.write(path, content);
  // Runs once the files are on disk, and not at all with --dry-run.
  return () => {
    if (options.skipRender) return;
    for (const line of renderEveryEnvironment(tree.root, service.directory, service.environments)) logger.info(`rendered ${line}`);
  };
}
