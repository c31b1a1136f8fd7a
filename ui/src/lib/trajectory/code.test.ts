import { describe, expect, it } from 'vitest';
import { languageOfFence, languageOfPath, toolLanguages } from './code';

describe('code languages', () => {
  it('guesses a tool result language from the file its arguments name', () => {
    expect(toolLanguages('Read', '{\n  "file_path": "/w/src/app.py"\n}')).toEqual({ input: 'json', output: 'python' });
    expect(toolLanguages('str_replace_editor', '{"command":"view","path":"src/lib.rs"}')).toEqual({ input: 'json', output: 'rust' });
    expect(toolLanguages('Bash', '{"command":"ls"}')).toEqual({ input: 'json', output: 'generic' });
    expect(toolLanguages('bash', 'ls -la | grep x')).toEqual({ input: 'shell', output: 'generic' });
    expect(toolLanguages('python', 'print(1)')).toEqual({ input: 'python', output: 'generic' });
  });

  it('reads fence info strings and file extensions', () => {
    expect(['py', 'TypeScript', 'rs', 'bash', 'json', 'diff', 'ts title="x"', '', 'cobol'].map(languageOfFence)).toEqual([
      'python', 'js', 'rust', 'shell', 'json', 'diff', 'js', 'generic', 'generic',
    ]);
    expect(['a/b.tsx', 'C:\\x\\run.sh', 'Makefile', '.bashrc', 'x.PY'].map(languageOfPath)).toEqual(['js', 'shell', null, null, 'python']);
  });
});
