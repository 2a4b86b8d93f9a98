import { DocumentError } from '../errors';

/**
 * The upgrade of deprecated Score forms that score-go applies before validation:
 * array `files`/`volumes` (each item with a `target`) become maps keyed by target, array `content` is joined with
 * newlines, and `read_only` becomes `readOnly`. Returns a description of each change, for the log.
 */
export function upgradeDeprecatedForms(spec: Record<string, unknown>): string[] {
  const changes: string[] = [];
  const containers = spec['containers'];
  if (!isRecord(containers)) return changes;
  for (const [containerName, container] of Object.entries(containers)) {
    if (!isRecord(container)) continue;
    for (const field of ['files', 'volumes'] as const) {
      const list = container[field];
      if (!Array.isArray(list)) continue;
      const map: Record<string, unknown> = {};
      list.forEach((item, index) => {
        if (!isRecord(item) || typeof item['target'] !== 'string') {
          // Without a target there is no key for the map form (and no mount path): the schema cannot catch it after
          // the upgrade, so it is reported here.
          throw new DocumentError(
            ['containers', containerName, field, index],
            `the deprecated list form of '${field}' needs a string 'target' in every entry`,
          );
        }
        const { target, ...rest } = item;
        if (Object.prototype.hasOwnProperty.call(map, target)) {
          throw new DocumentError(['containers', containerName, field, index, 'target'], `duplicate target '${target}'`);
        }
        map[target] = rest;
      });
      container[field] = map;
      changes.push(`containers.${containerName}.${field}: converted the deprecated list form to a map keyed by target`);
    }
    const files = container['files'];
    if (isRecord(files)) {
      for (const [target, file] of Object.entries(files)) {
        if (isRecord(file) && Array.isArray(file['content'])) {
          file['content'] = file['content'].map(String).join('\n');
          changes.push(`containers.${containerName}.files.${target}.content: joined the deprecated list of lines`);
        }
      }
    }
    const volumes = container['volumes'];
    if (isRecord(volumes)) {
      for (const [target, volume] of Object.entries(volumes)) {
        if (isRecord(volume) && 'read_only' in volume) {
          if (!('readOnly' in volume)) volume['readOnly'] = volume['read_only'];
          delete volume['read_only'];
          changes.push(`containers.${containerName}.volumes.${target}.read_only: renamed to readOnly`);
        }
      }
    }
  }
  return changes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
