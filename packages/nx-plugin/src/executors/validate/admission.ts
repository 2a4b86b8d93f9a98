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

/**
 * A policies/ file or a render that @score-nx/admission cannot read: its message names the file, line and column, so
 * it is printed as it is (no stack). Only checked when the package is loaded, which it is when it threw.
 */
export function isAdmissionInputError(err: unknown): err is Error {
  const loaded = require.cache[require.resolve('@score-nx/admission')];
  return loaded !== undefined && err instanceof (loaded.exports as typeof Admission).AdmissionInputError;
}
