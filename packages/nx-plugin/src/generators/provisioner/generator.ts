import type { Tree } from '@nx/devkit';
import { scaffoldProvisioner, UserError } from '@score-nx/engine';

export interface ProvisionerGeneratorSchema {
  type: string;
  description?: string;
}

/** `nx g @score-nx/nx-plugin:provisioner <type>`: the engine's provisioner folder, goldens included, through the Tree. */
export default function provisionerGenerator(tree: Tree, options: ProvisionerGeneratorSchema): void {
  const description = options.description?.trim();
  const folder = scaffoldProvisioner(tree.root, { type: options.type.trim(), ...(description ? { description } : {}) });
  for (const path of Object.keys(folder.files)) {
    if (tree.exists(path)) throw new UserError(`${path} already exists`);
  }
  for (const [path, content] of Object.entries(folder.files)) tree.write(path, content);
}
