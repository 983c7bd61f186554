import { describe, expect, it } from 'vitest';
import { directivesOnly, parseDirectives } from './chat-directive-parse.ts';

describe('chat directive parsing', () => {
  it("reads /think, /thinking, /t and /think:<level>, /reasoning and /reason, in the reference's spellings", () => {
    expect(parseDirectives('/think high')).toMatchObject({ text: '', think: { raw: 'high', level: 'high' } });
    expect(parseDirectives('/Thinking:Medium').think).toMatchObject({ level: 'medium' });
    expect(parseDirectives('/t off').think).toMatchObject({ level: 'off', clear: false });
    expect(parseDirectives('/think default').think).toMatchObject({ raw: 'default', clear: true });
    expect(parseDirectives('/think@my_bot low').think).toMatchObject({ level: 'low' });
    expect(parseDirectives('/reasoning on').reasoning).toEqual({ raw: 'on', level: 'on' });
    expect(parseDirectives('/reason live').reasoning).toEqual({ raw: 'live', level: 'stream' });
    expect(parseDirectives('/reasoning hidden').reasoning).toEqual({ raw: 'hidden', level: 'off' });
    const both = parseDirectives('/think low /reasoning stream');
    expect(both).toMatchObject({ text: '', think: { level: 'low' }, reasoning: { level: 'stream' } });
  });

  it('with no level, or one that names none, says so; inside other text a word that is no level stays text', () => {
    expect(parseDirectives('/think').think).toEqual({ clear: false });
    expect(parseDirectives('/reasoning:').reasoning).toEqual({});
    expect(parseDirectives('/think big').think).toMatchObject({ raw: 'big', level: undefined });
    expect(parseDirectives('/think about this')).toMatchObject({
      text: 'about this',
      think: { clear: false },
    });
    expect(parseDirectives('/think about this').think?.raw).toBeUndefined();
  });

  it('takes directives out of a message and keeps the rest as it was; other slashes are text', () => {
    expect(parseDirectives('please /think high explain  this\n  code').text).toBe(
      'please explain  this\n  code',
    );
    expect(parseDirectives('what is 1/think high').think).toBeUndefined();
    expect(parseDirectives('/thinker high')).toEqual({ text: '/thinker high' });
    expect(parseDirectives('see /reasonable')).toEqual({ text: 'see /reasonable' });
  });

  it('a message is only directives when nothing but space (in a group, and mentions) is left', () => {
    expect(directivesOnly(parseDirectives('  /think high  '), false)).toBe(true);
    expect(directivesOnly(parseDirectives('/think high why?'), false)).toBe(false);
    expect(directivesOnly(parseDirectives('@bot /reasoning on'), true)).toBe(true);
    expect(directivesOnly(parseDirectives('@bot /reasoning on'), false)).toBe(false);
    expect(directivesOnly(parseDirectives('hello'), false)).toBe(false);
  });
});
