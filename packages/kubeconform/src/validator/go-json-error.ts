/** The message Go's encoding/json gives for text that is not JSON (only computed on failure). */
export function goJsonError(text: string): string {
  let i = 0;
  const n = text.length;
  const ch = (c: string) => (c === "'" ? "'\\''" : c === '\n' ? "'\\n'" : c === '\t' ? "'\\t'" : c === '\r' ? "'\\r'" : `'${c}'`);
  const ws = () => {
    while (i < n && ' \t\r\n'.includes(text[i]!)) i++;
  };
  class E extends Error {}
  const fail = (m: string): never => {
    throw new E(m);
  };
  const eof = () => fail('unexpected end of JSON input');
  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      if (i + k >= n) eof();
      if (text[i + k] !== word[k]) fail(`invalid character ${ch(text[i + k]!)} in literal ${word} (expecting '${word[k]}')`);
    }
    i += word.length;
  };
  const value = (): void => {
    ws();
    if (i >= n) eof();
    const c = text[i]!;
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (i >= n) eof();
        if (text[i] !== '"') fail(`invalid character ${ch(text[i]!)} looking for beginning of object key string`);
        str();
        ws();
        if (i >= n) eof();
        if (text[i] !== ':') fail(`invalid character ${ch(text[i]!)} after object key`);
        i++;
        value();
        ws();
        if (i >= n) eof();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`invalid character ${ch(text[i]!)} after object key:value pair`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (i >= n) eof();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`invalid character ${ch(text[i]!)} after array element`);
      }
    }
    if (c === '"') return str();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(text.slice(i));
      if (!m) fail(`invalid character ${ch(text[i + 1] ?? '')} in numeric literal`);
      i += m![0].length;
      return;
    }
    fail(`invalid character ${ch(c)} looking for beginning of value`);
  };
  const str = () => {
    i++;
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= n) eof();
    i++;
  };
  try {
    value();
    ws();
    if (i < n) fail(`invalid character ${ch(text[i]!)} after top-level value`);
    return 'unexpected end of JSON input';
  } catch (e) {
    if (e instanceof E) return e.message;
    throw e;
  }
}
