import { describe, expect, it } from 'vitest';
import { convertProbe } from './probes';

describe('convertProbe', () => {
  it('returns an httpGet probe with only the fields that are set', () => {
    expect(convertProbe({ httpGet: { path: '/healthz', port: 8080 } })).toEqual({ httpGet: { path: '/healthz', port: 8080 } });
    expect(convertProbe({ httpGet: { path: '/', port: 80, host: 'h', scheme: 'HTTPS', httpHeaders: [{ name: 'X', value: 'y' }] } })).toEqual({
      httpGet: { path: '/', port: 80, host: 'h', scheme: 'HTTPS', httpHeaders: [{ name: 'X', value: 'y' }] },
    });
  });

  it('returns an exec probe with a copy of the command', () => {
    const command = ['cat', '/tmp/ready'];
    const probe = convertProbe({ exec: { command } }) as { exec: { command: string[] } };
    expect(probe).toEqual({ exec: { command: ['cat', '/tmp/ready'] } });
    expect(probe.exec.command).not.toBe(command);
  });
});
