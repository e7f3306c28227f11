// Policy mode's rules: globs on the base name or the whole path, regular expressions between
// slashes, matched case-insensitively on the path without the kernel's \??\ prefix; truncated and
// missing names; and the errors a bad rule gets, each naming its option.
import { describe, expect, it } from 'vitest';
import { PolicyError, compileRules, displayPath, type ImageOf } from '../src/policy.js';

const complete = (imageName: string): ImageOf => ({ imageName, imageNameState: 'Complete' });
const NOTEPAD_NT = complete('\\??\\C:\\Windows\\System32\\notepad.exe');

/** The patterns of `rules` that name `image`. */
function matching(patterns: string[], image: ImageOf): string[] {
  const rules = compileRules(patterns, '--deny');
  return rules.rules.filter((rule) => rule.test(image)).map((rule) => rule.pattern);
}

function refusal(pattern: string, option = '--deny'): string {
  try {
    compileRules([pattern], option);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(pattern)} was accepted`);
}

describe('image rules', () => {
  it('a glob without a backslash names the base name in any folder, case-insensitively', () => {
    expect(matching(['notepad.exe', 'NOTEPAD.EXE', 'note*.exe', 'n?tepad.exe', '*.exe'], NOTEPAD_NT)).toEqual(['notepad.exe', 'NOTEPAD.EXE', 'note*.exe', 'n?tepad.exe', '*.exe']);
    expect(matching(['notepad.exe'], complete('D:\\Tools\\Notepad.EXE'))).toEqual(['notepad.exe']);
  });

  it('negative control: other names, a longer name, and a folder of that name do not match', () => {
    const rules = compileRules(['notepad.exe', 'cl.exe'], '--deny');
    for (const image of ['C:\\Windows\\System32\\cmd.exe', 'C:\\Tools\\notepad.exe.bak', 'C:\\notepad.exe\\other.exe', 'C:\\Tools\\mycl.exe']) {
      expect(rules.match(complete(image)), image).toBeUndefined();
    }
    expect(rules.match(NOTEPAD_NT)?.pattern).toBe('notepad.exe');
  });

  it('a glob with a backslash (or a slash) names the whole path from the drive, after the NT prefix is removed', () => {
    const rules = ['C:\\Windows\\System32\\*.exe', 'c:/windows/system32/notepad.exe', 'C:\\Windows\\*.exe', 'C:\\**\\notepad.exe', '\\??\\C:\\Windows\\System32\\notepad.exe'];
    // "*" stays inside one folder: C:\Windows\*.exe does not reach into System32. The prefix is
    // not part of the path a rule sees, so a rule that spells it out matches nothing.
    expect(matching(rules, NOTEPAD_NT)).toEqual(['C:\\Windows\\System32\\*.exe', 'c:/windows/system32/notepad.exe', 'C:\\**\\notepad.exe']);
    expect(matching(['C:\\Users\\*\\Downloads\\**'], complete('\\\\?\\C:\\Users\\dana\\Downloads\\setup\\run.exe'))).toHaveLength(1);
    expect(matching(['C:\\Users\\*\\Downloads\\**'], complete('C:\\Users\\dana\\Documents\\run.exe'))).toEqual([]);
  });

  it('a regular expression between slashes is searched in the whole path, case-insensitively', () => {
    expect(matching(['/\\\\system32\\\\notepad\\.exe$/', '/^C:\\\\WINDOWS\\\\/', '/\\?\\?/'], NOTEPAD_NT)).toEqual(['/\\\\system32\\\\notepad\\.exe$/', '/^C:\\\\WINDOWS\\\\/']);
    expect(displayPath('\\??\\C:\\x.exe')).toBe('C:\\x.exe');
    expect(displayPath('C:\\x.exe')).toBe('C:\\x.exe');
  });

  it('regex metacharacters in a glob are themselves', () => {
    expect(matching(['a+b (x86).exe'], complete('C:\\a+b (x86).exe'))).toHaveLength(1);
    expect(matching(['a+b (x86).exe'], complete('C:\\aab x86.exe'))).toEqual([]);
    expect(matching(['cl.exe'], complete('C:\\clxexe'))).toEqual([]);
  });

  it('a truncated name has lost its end: base-name globs never match it, path rules see what was kept', () => {
    const truncated: ImageOf = { imageName: 'C:\\Users\\dana\\source\\node_modules\\.pnpm\\esbuild', imageNameState: 'Truncated' };
    expect(matching(['esbuild', 'C:\\Users\\**', '/node_modules/'], truncated)).toEqual(['C:\\Users\\**', '/node_modules/']);
  });

  it('a process without an image name matches nothing', () => {
    const rules = compileRules(['*', '**', '/.*/'], '--deny');
    expect(rules.match({ imageName: '', imageNameState: 'Unavailable' })).toBeUndefined();
    expect(rules.match({ imageName: '', imageNameState: 'Complete' })).toBeUndefined();
    expect(rules.match(NOTEPAD_NT)?.pattern).toBe('*');
  });
});

describe('bad rules', () => {
  it('are refused with the option, the rule and the fix', () => {
    expect(refusal('')).toMatch(/^--deny "": the rule is empty; give an image name such as "notepad.exe"/);
    expect(refusal('  ', '--slow')).toMatch(/^--slow " {2}": the rule is empty/);
    expect(refusal('//')).toMatch(/^--deny "\/\/": the regular expression between the slashes is empty/);
    expect(refusal('/(unclosed/')).toMatch(/^--deny "\/\(unclosed\/": not a valid regular expression \(.+\); write it without flags/);
    expect(refusal('C:\\Temp\\')).toContain('it ends with "\\", so it names a folder');
    expect(refusal('***.exe')).toContain('three or more "*" in a row');
    expect(refusal('a|b.exe')).toContain('a Windows path never holds ", <, >, | or control characters');
  });

  it('the first bad rule of several stops the list', () => {
    expect(() => compileRules(['ok.exe', '/[/', ''], '--deny')).toThrow(/^--deny "\/\[\/"/);
  });
});
