// Rendering in every environment, for the environment-aware provisioners (volume, dns, route, s3, service-port).
import type { GenerateResult } from '@score-nx/engine';
import { tempService } from './render';

/** The workspace's environments; a preview renders as pull request 7. */
export const ENVIRONMENTS = ['dev', 'preview', 'staging', 'prod'] as const;
export const PREVIEW_PR = 7;

export function renderIn(scoreYaml: string, env: string): GenerateResult {
  const service = tempService(scoreYaml);
  try {
    return service.render(env, env === 'preview' ? PREVIEW_PR : undefined);
  } finally {
    service.cleanup();
  }
}
