import { describe, expect, it } from 'vitest';
import { DocumentError, isUserError, UserError } from './errors';

describe('messages are printable', () => {
  it('a user error escapes ESC, CR, DEL, C1 and U+2028/2029 and keeps line feeds and tabs (multi-line reports)', () => {
    expect(new UserError("type 'x\u001b[31m\r\u007f\u0085\u2028\u2029'\n  next\tline").message).toBe("type 'x\\u001B[31m\\u000D\\u007F\\u0085\\u2028\\u2029'\n  next\tline");
  });

  it('a positioned error stays one line: line feeds in its path and detail are escaped too', () => {
    const err = new DocumentError(['containers', 'a\nb\u001b[2J'], "no provisioner for type 'x\ny'").inFile('services/s/score.yaml', () => ({ line: 3, col: 5 }));
    expect(err.message).toBe("services/s/score.yaml:3:5: containers.a\\nb\\u001B[2J: no provisioner for type 'x\\ny'");
    expect(err.detail).toBe("no provisioner for type 'x\ny'");
  });
});

describe('isUserError', () => {
  it('knows a UserError of another copy of the engine (the plugin requires the built engine, a test holds the sources)', () => {
    const otherCopyUserError = Object.assign(new Error('bad'), { name: 'UserError', [Symbol.for('@score-nx/engine:UserError')]: true });
    expect(isUserError(new DocumentError([], 'bad', 'a.yaml'))).toBe(true);
    expect(isUserError(otherCopyUserError)).toBe(true);
    expect(isUserError(new Error('bug'))).toBe(false);
    expect(isUserError(Object.assign(new Error('bug'), { name: 'UserError' }))).toBe(false);
    expect(isUserError('UserError')).toBe(false);
  });
});
