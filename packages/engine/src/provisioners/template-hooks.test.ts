import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { createTemplateEnvironment } from './template-env';
import { withTemplateHooks } from './template-hooks';

// An unrelated environment: it may read `constructor` and escapes HTML, as nunjucks does by default.
const plain = () => new nunjucks.Environment().renderString('{{ x.constructor.name }} {{ "<b>" }}', { x: {} });
const PRISTINE = plain();

describe('the provisioner template hooks', () => {
  it('refuse `constructor` and write YAML scalars while a provisioner template renders', () => {
    const env = createTemplateEnvironment(new Map([['t.njk', 'v: {{ value }}\n'], ['c.njk', '{{ x.constructor.name }}']]));
    expect(env.render('t.njk', { value: 'a: b' })).toBe('v: "a: b"\n');
    expect(() => env.render('c.njk', { x: {} })).toThrow("access to 'constructor' is not allowed in provisioner templates");
  });

  it("read a data key of the template's context whatever its name, and refuse the same name as a prototype member", () => {
    const env = createTemplateEnvironment(new Map([['k.njk', '{{ c[name].image }}'], ['chain.njk', '{{ c[name].constructor.name }}']]));
    for (const name of ['constructor', 'prototype', '__proto__', 'toString', '__defineGetter__']) {
      const c = Object.fromEntries([[name, { image: `img-${name}` }]]);
      expect(env.render('k.njk', { c, name })).toBe(`"img-${name}"`);
      expect(() => env.render('chain.njk', { c, name })).toThrow("access to 'constructor' is not allowed in provisioner templates");
    }
    expect(() => env.render('k.njk', { c: {}, name: '__proto__' })).toThrow("access to '__proto__' is not allowed in provisioner templates");
    expect(() => env.render('k.njk', { c: class {}, name: 'prototype' })).toThrow("access to 'prototype' is not allowed in provisioner templates");
  });

  it('leave another nunjucks environment of the process untouched, before and after a render', () => {
    expect(PRISTINE).toContain('&lt;b&gt;');
    createTemplateEnvironment(new Map([['t.njk', '{{ 1 }}']])).render('t.njk', {});
    expect(plain()).toBe(PRISTINE);
  });

  it('are restored when the render throws', () => {
    expect(() => withTemplateHooks(String, () => {
      throw new Error('template failed');
    })).toThrow('template failed');
    expect(plain()).toBe(PRISTINE);
  });

  it('act inside the call only', () => {
    expect(withTemplateHooks((v) => `<${String(v)}>`, () => new nunjucks.Environment().renderString('{{ 1 }}', {}))).toBe('<1>');
  });
});
