import type { GenerateResult } from '@score-nx/engine';
import { tempService } from './render';

/** Renders a Score file for the `preview` environment of pull request 7 (preview renders need a PR number). */
export function renderPreview(scoreYaml: string): GenerateResult {
  const service = tempService(scoreYaml);
  try {
    return service.render('preview', 7);
  } finally {
    service.cleanup();
  }
}
