/**
 * Which text of a step is code, and in which language: a tool's file or shell, a message's
 * fenced blocks. Guesses only; anything unknown gets the generic tokenizer.
 */
import { MAX_HIGHLIGHT, tokenize, type Lang, type Token } from './highlight';

const BY_NAME: Record<string, Lang> = {
  python: 'python', py: 'python', python3: 'python', pyi: 'python', ipython: 'python', pycon: 'python',
  js: 'js', javascript: 'js', jsx: 'js', mjs: 'js', cjs: 'js', ts: 'js', typescript: 'js', tsx: 'js', mts: 'js', cts: 'js', node: 'js',
  rust: 'rust', rs: 'rust',
  sh: 'shell', bash: 'shell', zsh: 'shell', shell: 'shell', console: 'shell', 'shell-session': 'shell', fish: 'shell',
  json: 'json', jsonc: 'json', jsonl: 'json', json5: 'json', ipynb: 'json',
  diff: 'diff', patch: 'diff',
};

/** The language of a fence's info string (```py, ```ts title="x"), generic when unknown. */
export function languageOfFence(info: string): Lang {
  const name = info.trim().split(/[\s{,]/)[0].toLowerCase();
  return BY_NAME[name] ?? 'generic';
}

/** The language of a file by its extension; null when unknown. */
export function languageOfPath(path: string): Lang | null {
  const base = path.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? (BY_NAME[base.slice(dot + 1).toLowerCase()] ?? null) : null;
}

const PATH_KEYS = ['file_path', 'path', 'filePath', 'filename', 'file', 'notebook_path', 'target_file', 'relative_path'];
const SHELL_TOOLS = /^(bash|shell|sh|terminal|run|execute|exec|exec_command|run_command|run_shell_command|local_shell|execute_bash)$/i;

/**
 * How to highlight a tool call's input and its result: JSON arguments as JSON, a raw
 * command as shell, and the result in the language of the file the arguments name
 * (what a read or an edit prints), else generic.
 */
export function toolLanguages(name: string, input: string): { input: Lang; output: Lang } {
  let args: unknown = null;
  try {
    args = JSON.parse(input);
  } catch {
    // A raw command or text.
  }
  const object = args !== null && typeof args === 'object' ? (args as Record<string, unknown>) : null;
  const path = object ? PATH_KEYS.map((k) => object[k]).find((v): v is string => typeof v === 'string') : undefined;
  return {
    input: object ? 'json' : SHELL_TOOLS.test(name) ? 'shell' : (BY_NAME[name.toLowerCase()] ?? 'generic'),
    output: (path && languageOfPath(path)) || 'generic',
  };
}

const OPEN = /^ {0,3}(`{3,}|~{3,})([^`\n]*)$/;

/** Prose as plain text, with its fenced code blocks highlighted in the fence's language. */
export function fencedTokens(text: string): Token[] {
  if (text.length > MAX_HIGHLIGHT) return [{ text, kind: 'text' }];
  const out: Token[] = [];
  const piece = (kind: Token['kind'], from: number, to: number) => {
    if (to > from) out.push({ text: text.slice(from, to), kind });
  };
  const lineEnd = (at: number) => {
    const nl = text.indexOf('\n', at);
    return nl < 0 ? text.length : nl + 1;
  };
  let prose = 0; // start of the prose not yet pushed
  let at = 0;
  while (at < text.length) {
    const end = lineEnd(at);
    const open = OPEN.exec(text.slice(at, end).replace(/\r?\n$/, ''));
    if (!open) {
      at = end;
      continue;
    }
    piece('text', prose, at);
    piece('meta', at, end);
    const fence = open[1];
    const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
    let inner = end;
    while (inner < text.length && !close.test(text.slice(inner, lineEnd(inner)))) inner = lineEnd(inner);
    out.push(...tokenize(text.slice(end, inner), languageOfFence(open[2])));
    piece('meta', inner, lineEnd(inner));
    at = prose = lineEnd(inner);
  }
  piece('text', prose, text.length);
  return out;
}
