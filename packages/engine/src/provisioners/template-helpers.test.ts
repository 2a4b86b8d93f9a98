import { describe, expect, it } from 'vitest';
import { createTemplateEnvironment } from './template-env';

const render = (template: string, context: object = {}) => createTemplateEnvironment(new Map([['t.njk', template]])).render('t.njk', context);

describe('append', () => {
  it('returns a new list with the items added, leaving the original as it was', () => {
    const xs = [1];
    expect(render('{% set ys = xs | append(2, 3) %}{{ ys | tojson }} {{ xs | tojson }}', { xs })).toBe('[1,2,3] [1]');
    expect(xs).toEqual([1]);
  });

  it('accumulates inside a loop: a set in a for loop updates the variable of the enclosing scope', () => {
    expect(render('{% set out = [] %}{% for x in [1, 2, 3] %}{% if x > 1 %}{% set out = out | append(x * 10) %}{% endif %}{% endfor %}{{ out | tojson }}')).toBe('[20,30]');
  });

  it('refuses what is not a list', () => {
    expect(() => render('{{ "abc" | append(1) }}')).toThrow(/append: expects a list, got the string "abc"/);
    expect(() => render('{{ {} | append(1) }}')).toThrow(/append: expects a list, got a map/);
  });
});

describe('dict', () => {
  it('builds a map with computed keys from [key, value] pairs; a later pair wins', () => {
    expect(render('{{ dict([[k ~ "/name", 1], ["b", 2], ["b", 3]]) | tojson }}', { k: 'app' })).toBe('{"app/name":1,"b":3}');
    expect(render('{{ [["a", 1]] | dict | tojson }} {{ dict() | tojson }}')).toBe('{"a":1} {}');
  });

  it('refuses malformed pairs, keys that are not strings and keys that reach the prototype', () => {
    expect(() => render('{{ dict("ab") }}')).toThrow(/dict: expects a list of \[key, value\] pairs, got the string "ab"/);
    expect(() => render('{{ dict([["a"]]) }}')).toThrow(/dict: expects \[key, value\] pairs, got a list of 1/);
    expect(() => render('{{ dict([[1, 2]]) }}')).toThrow(/dict: a key must be a string, got a number/);
    expect(() => render('{{ dict([["__proto__", {}]]) }}')).toThrow(/dict: the key '__proto__' is not allowed/);
  });
});
