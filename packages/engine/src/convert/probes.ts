import type { ScoreProbe } from '../score/types';

/** A Score probe as a Kubernetes probe: `httpGet` (optional fields only when set) or `exec`. */
export function convertProbe(probe: ScoreProbe): Record<string, unknown> {
  if (probe.httpGet) {
    const { path, port, host, scheme, httpHeaders } = probe.httpGet;
    return {
      httpGet: {
        path,
        port,
        ...(host !== undefined ? { host } : {}),
        ...(scheme !== undefined ? { scheme } : {}),
        ...(httpHeaders ? { httpHeaders: httpHeaders.map((h) => ({ name: h.name, value: h.value })) } : {}),
      },
    };
  }
  return { exec: { command: [...probe.exec!.command] } };
}
