/**
 * A small syntax highlighter for code in trace steps. It returns typed pieces of the input
 * (never markup): the view renders each piece as text inside a `<span>`, so hostile trace
 * content stays text. The pieces always join back to exactly the input.
 */

export type Lang = 'python' | 'js' | 'rust' | 'shell' | 'json' | 'diff' | 'generic';
export type TokenKind = 'text' | 'keyword' | 'literal' | 'string' | 'key' | 'number' | 'comment' | 'add' | 'del' | 'meta';
export interface Token {
  text: string;
  kind: TokenKind;
}

/** Above this many characters text is shown plain: tokenizing (and a span per token) would stall the view. */
export const MAX_HIGHLIGHT = 200_000;

interface Spec {
  keywords: Set<string>;
  literals: Set<string>;
  /** Line comment openers. */
  line: string[];
  /** Line comments open only at the start of a word (`a#b` in shell, `http://` in prose are not comments). */
  lineAtWordStart: boolean;
  block: [string, string] | null;
  /** Quote characters that open strings, and those of them whose strings may span lines. */
  quotes: string;
  multiline: string;
  /** Python's `'''…'''` and `"""…"""`. */
  triple: boolean;
  /** Identifiers that prefix a string literal (`f"…"`, `b"…"`, `r#"…"#`). */
  prefixes: Set<string>;
}

const words = (list: string) => new Set(list.split(' '));
const spec = (fields: Partial<Spec>): Spec => ({
  keywords: new Set(),
  literals: new Set(),
  line: [],
  lineAtWordStart: false,
  block: null,
  quotes: '"',
  multiline: '',
  triple: false,
  prefixes: new Set(),
  ...fields,
});

const SPECS: Record<Exclude<Lang, 'diff'>, Spec> = {
  python: spec({
    keywords: words('and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case'),
    literals: words('True False None self'),
    line: ['#'],
    quotes: `"'`,
    triple: true,
    prefixes: words('r u f b rb br fr rf R U F B Rb bR Br BR Fr fR Rf rF RB FR RF'),
  }),
  js: spec({
    keywords: words('break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof let new return super switch this throw try typeof var void while with yield async await of static get set interface type enum implements private protected public readonly declare abstract as from namespace keyof satisfies'),
    literals: words('true false null undefined NaN Infinity'),
    line: ['//'],
    block: ['/*', '*/'],
    quotes: `"'\``,
    multiline: '`',
  }),
  rust: spec({
    keywords: words('as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait type unsafe use where while'),
    literals: words('true false None Some Ok Err'),
    line: ['//'],
    block: ['/*', '*/'],
    quotes: `"'`,
    multiline: '"',
    prefixes: words('b r br'),
  }),
  shell: spec({
    keywords: words('if then else elif fi for while until do done case esac in function select return exit local export readonly declare unset source alias cd echo sudo'),
    literals: words('true false'),
    line: ['#'],
    lineAtWordStart: true,
    quotes: `"'\``,
    multiline: `"'\``,
  }),
  json: spec({ literals: words('true false null') }),
  generic: spec({ literals: words('true false null None'), line: ['#', '//'], lineAtWordStart: true, quotes: `"'` }),
};

const isWord = (c: string | undefined) => c !== undefined && /[\w$]/.test(c);
const IDENT = /[A-Za-z_$][\w$]*/y;
const NUMBER = /(?:0[xXbBoO][\da-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)[\w]*/y;

/** Where the string opening at `i` (after any prefix) ends. */
function stringEnd(text: string, i: number, spec: Spec, raw: boolean): number {
  const q = text[i];
  if (spec.triple && text.startsWith(q.repeat(3), i)) {
    const close = text.indexOf(q.repeat(3), i + 3);
    return close < 0 ? text.length : close + 3;
  }
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\' && !raw) j++;
    else if (c === q) return j + 1;
    else if (c === '\n' && !spec.multiline.includes(q)) return j;
  }
  return text.length;
}

/** Rust raw strings: `r#"…"#` with any number of `#`. */
function rawStringEnd(text: string, i: number): number {
  let hashes = 0;
  while (text[i + hashes] === '#') hashes++;
  if (text[i + hashes] !== '"') return -1;
  const close = text.indexOf('"' + '#'.repeat(hashes), i + hashes + 1);
  return close < 0 ? text.length : close + 1 + hashes;
}

/** Diffs by line: added, removed, headers. */
function diffTokens(text: string): Token[] {
  return text.split(/(?<=\n)/).map((line): Token => {
    if (/^(@@|diff |index |\+\+\+ |--- )/.test(line)) return { text: line, kind: 'meta' };
    if (line.startsWith('+')) return { text: line, kind: 'add' };
    if (line.startsWith('-')) return { text: line, kind: 'del' };
    return { text: line, kind: 'text' };
  });
}

/** `text` as tokens of `lang`; one plain token when it is too long to highlight. */
export function tokenize(text: string, lang: Lang): Token[] {
  if (text.length === 0) return [];
  if (text.length > MAX_HIGHLIGHT) return [{ text, kind: 'text' }];
  if (lang === 'diff') return diffTokens(text);
  const s = SPECS[lang];
  const out: Token[] = [];
  let plain = 0; // start of the plain text not yet pushed
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    if (plain < i) out.push({ text: text.slice(plain, i), kind: 'text' });
    out.push({ text: text.slice(i, end), kind });
    i = plain = end;
  };
  while (i < text.length) {
    const c = text[i];
    const wordStart = i === 0 || /\s/.test(text[i - 1]);
    const line = s.line.find((open) => text.startsWith(open, i));
    if (line && (!s.lineAtWordStart || wordStart)) {
      const end = text.indexOf('\n', i);
      push('comment', end < 0 ? text.length : end);
    } else if (s.block && text.startsWith(s.block[0], i)) {
      const end = text.indexOf(s.block[1], i + s.block[0].length);
      push('comment', end < 0 ? text.length : end + s.block[1].length);
    } else if (s.quotes.includes(c) && !(c === "'" && isWord(text[i - 1]))) {
      if (c === "'" && lang === 'rust') {
        // A char literal, or else a lifetime (`'a`), which is not a string.
        const char = /'(?:\\[^']{1,10}|[^\\'\n])'/y;
        char.lastIndex = i;
        if (char.test(text)) push('string', char.lastIndex);
        else i++;
        continue;
      }
      const end = stringEnd(text, i, s, false);
      let kind: TokenKind = 'string';
      if (lang === 'json' && /^\s*:/.test(text.slice(end, end + 20))) kind = 'key';
      push(kind, end);
    } else if (/\d/.test(c) && !isWord(text[i - 1])) {
      NUMBER.lastIndex = i;
      NUMBER.test(text);
      push('number', NUMBER.lastIndex);
    } else if (/[A-Za-z_$]/.test(c) && !isWord(text[i - 1])) {
      IDENT.lastIndex = i;
      IDENT.test(text);
      const end = IDENT.lastIndex;
      const word = text.slice(i, end);
      const next = text[end];
      if (s.prefixes.has(word) && next !== undefined && (s.quotes.includes(next) || (lang === 'rust' && next === '#'))) {
        const raw = /r/i.test(word);
        const close = lang === 'rust' && raw ? rawStringEnd(text, end) : stringEnd(text, end, s, raw);
        if (close >= 0) {
          push('string', close);
          continue;
        }
      }
      if (s.keywords.has(word)) push('keyword', end);
      else if (s.literals.has(word)) push('literal', end);
      else i = end;
    } else {
      i++;
    }
  }
  if (plain < text.length) out.push({ text: text.slice(plain), kind: 'text' });
  return out;
}

/**
 * Tokens cut along search-hit pieces of the same text, so that each hit is one run
 * (one `<mark>`, for next/previous navigation) however many tokens it spans.
 */
export function markTokens(tokens: Token[], pieces: { text: string; hit: boolean }[]): { hit: boolean; tokens: Token[] }[] {
  const runs: { hit: boolean; tokens: Token[] }[] = [];
  let t = 0;
  let offset = 0; // into tokens[t]
  for (const piece of pieces) {
    const parts: Token[] = [];
    let need = piece.text.length;
    while (need > 0 && t < tokens.length) {
      const token = tokens[t];
      const take = Math.min(token.text.length - offset, need);
      if (take > 0) parts.push({ text: token.text.slice(offset, offset + take), kind: token.kind });
      need -= take;
      offset += take;
      if (offset >= token.text.length) {
        t++;
        offset = 0;
      }
    }
    runs.push({ hit: piece.hit, tokens: parts });
  }
  return runs;
}
