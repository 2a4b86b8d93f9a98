import type * as Admission from '@score-nx/admission';
import type { PolicyFolder, RenderCheckResult } from '@score-nx/admission';

const folders = new Map<string, PolicyFolder>();

/**
 * Cross-object references and policies of policies/ for one rendered file. The package is required lazily (as
 * the validator is) and the policy folder is read once per process and workspace.
 */
export function checkRenderFile(root: string, file: string, content: Buffer, environment: string): RenderCheckResult[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const admission = require('@score-nx/admission') as typeof Admission;
  let folder = folders.get(root);
  if (!folder) {
    folder = admission.loadPolicyFolder(root);
    folders.set(root, folder);
  }
  return admission.checkRender(admission.renderObjects(file, content.toString('utf8')), folder, environment);
}
