import { describe, expect, it } from 'vitest';
import { MAX_HIGHLIGHT, markTokens, tokenize, type Lang, type Token, type TokenKind } from './highlight';
import { fencedTokens } from './code';

const LANGS: Lang[] = ['python', 'js', 'rust', 'shell', 'json', 'diff', 'generic'];
const join = (tokens: Token[]) => tokens.map((t) => t.text).join('');
/** The texts of the tokens of one kind. */
const of = (tokens: Token[], kind: TokenKind) => tokens.filter((t) => t.kind === kind).map((t) => t.text);

/** A deterministic pseudo-random text over characters that open and close tokens. */
function fuzz(seed: number, length: number): string {
  const alphabet = ['"', "'", '`', '#', '/', '*', '\\', '\n', ' ', 'r', 'b', 'f', 'if', '1', '0x', '.', 'e', '<', '>', '\u001b[', '😀', '\r', ':', '$', '@@', '+', '-', '```'];
  let x = seed;
  let out = '';
  while (out.length < length) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

const HOSTILE = [
  '',
  'Fix it <script>window.__pwned = "script"</script> <img src=x onerror="window.__pwned=\'img\'">',
  '\u001b[31mred\u001b[0m and <b onmouseover="x">bold</b>',
  'unterminated "string\nnext line \'also',
  "r#\"raw \" still\"# b'x' 'a lifetime",
  "'''triple\nquoted''' \"\"\"also\" f'{x}' /* open comment",
  '# comment only',
  'http://example.com // comment 0x1F 1e-3 3.14 10n',
  '😀 surrogate "😀" \r\n crlf',
  '```python\nprint("x")\n```\nafter ```\nunclosed fence',
];

describe('syntax highlighting', () => {
  it('returns tokens that join back to exactly the input', () => {
    const inputs = [...HOSTILE, ...Array.from({ length: 40 }, (_, i) => fuzz(i + 1, 50 + i * 20))];
    for (const text of inputs) {
      for (const lang of LANGS) expect(join(tokenize(text, lang)), `${lang}: ${JSON.stringify(text)}`).toBe(text);
      expect(join(fencedTokens(text))).toBe(text);
    }
  });

  it('classifies keywords, strings, comments and numbers in each language', () => {
    const py = tokenize('def f(x):\n    return f"hi {x}" + \'\'\'doc\nmore\'\'\'  # note\nNone 42', 'python');
    expect(of(py, 'keyword')).toEqual(['def', 'return']);
    expect(of(py, 'string')).toEqual(['f"hi {x}"', "'''doc\nmore'''"]);
    expect(of(py, 'comment')).toEqual(['# note']);
    expect(of(py, 'literal')).toEqual(['None']);
    expect(of(py, 'number')).toEqual(['42']);

    const js = tokenize("const a = `t ${b}`; // c\n/* block\n */ if (x === 'y') return 0.5;", 'js');
    expect(of(js, 'keyword')).toEqual(['const', 'if', 'return']);
    expect(of(js, 'string')).toEqual(['`t ${b}`', "'y'"]);
    expect(of(js, 'comment')).toEqual(['// c', '/* block\n */']);
    expect(of(js, 'number')).toEqual(['0.5']);

    const rs = tokenize("fn main<'a>() { let s = r#\"a \" b\"#; let c = 'x'; } // done", 'rust');
    expect(of(rs, 'keyword')).toEqual(['fn', 'let', 'let']);
    expect(of(rs, 'string')).toEqual(['r#"a " b"#', "'x'"]);
    expect(of(rs, 'comment')).toEqual(['// done']);

    const sh = tokenize('#!/bin/sh\nif [ "$#" -gt 1 ]; then echo \'x\'; fi # end', 'shell');
    expect(of(sh, 'comment')).toEqual(['#!/bin/sh', '# end']);
    expect(of(sh, 'keyword')).toEqual(['if', 'then', 'echo', 'fi']);
    expect(of(sh, 'string')).toEqual(['"$#"', "'x'"]);
    expect(of(sh, 'number')).toEqual(['1']);

    const json = tokenize('{\n  "command": "ls -la",\n  "n": -3,\n  "ok": true\n}', 'json');
    expect(of(json, 'key')).toEqual(['"command"', '"n"', '"ok"']);
    expect(of(json, 'string')).toEqual(['"ls -la"']);
    expect(of(json, 'number')).toEqual(['3']);
    expect(of(json, 'literal')).toEqual(['true']);

    const generic = tokenize('see http://x.io // why\n# heading\nit\'s "quoted" 12 items', 'generic');
    expect(of(generic, 'comment')).toEqual(['// why', '# heading']);
    expect(of(generic, 'string')).toEqual(['"quoted"']);
    expect(of(generic, 'number')).toEqual(['12']);

    expect(tokenize('@@ -1 +1 @@\n-old\n+new\n same', 'diff').map((t) => t.kind)).toEqual(['meta', 'del', 'add', 'text']);
  });

  it('keeps hostile markup as token text, never as markup', () => {
    const text = HOSTILE[1];
    const tokens = tokenize(text, 'js');
    expect(join(tokens)).toBe(text);
    expect(of(tokens, 'string')).toContain('"script"');
  });

  it('does not tokenize huge inputs', () => {
    const huge = 'let x = "a";\n'.repeat(Math.ceil(MAX_HIGHLIGHT / 10));
    expect(tokenize(huge, 'js')).toEqual([{ text: huge, kind: 'text' }]);
    expect(fencedTokens('```js\n' + huge)).toEqual([{ text: '```js\n' + huge, kind: 'text' }]);
  });

  it('highlights fenced blocks of a message in the fence language, prose stays plain', () => {
    const tokens = fencedTokens('Run this:\n```py\nimport os  # why\n```\nthen `def` is prose');
    expect(of(tokens, 'keyword')).toEqual(['import']);
    expect(of(tokens, 'comment')).toEqual(['# why']);
    expect(of(tokens, 'meta')).toEqual(['```py\n', '```\n']);
    expect(tokens[tokens.length - 1]).toEqual({ text: 'then `def` is prose', kind: 'text' });
  });

  it('cuts tokens along search hits, one run per hit', () => {
    const tokens = tokenize('x = "needle" + 1', 'python');
    const runs = markTokens(tokens, [
      { text: 'x = "nee', hit: false },
      { text: 'dle" + 1', hit: true },
    ]);
    expect(runs.map((r) => r.hit)).toEqual([false, true]);
    expect(runs[1].tokens).toEqual([
      { text: 'dle"', kind: 'string' },
      { text: ' + ', kind: 'text' },
      { text: '1', kind: 'number' },
    ]);
    expect(runs.flatMap((r) => r.tokens.map((t) => t.text)).join('')).toBe('x = "needle" + 1');
  });
});
