import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every complete TypeScript example of the READMEs (a ```ts block that starts with an import)
 * type-checks against the packages' sources under the repository's settings (strict,
 * `noUncheckedIndexedAccess`). Fragments (blocks that do not start with an import, or that follow
 * a `<!-- fragment … -->` comment) use names the text around them introduces, and are not checked. The root README's engine example is also
 * run from the packed packages by `pnpm test:pack`.
 */
const root = resolve(import.meta.dirname, '../../..');
const outDir = resolve(import.meta.dirname, '../test-artifacts/readme-examples');

function readmes(): string[] {
  return [
    join(root, 'README.md'),
    ...readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name, 'README.md')),
  ].filter((file) => {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  });
}

function examples(): { name: string; code: string }[] {
  return readmes().flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const label = file === join(root, 'README.md') ? 'root' : (file.split('/').at(-2) ?? 'package');
    return [...text.matchAll(/(<!-- fragment[^>]*-->\n)?```ts\n([\s\S]*?)```/g)]
      .filter((match) => !match[1])
      .map((match) => match[2] ?? '')
      .filter((code) => code.trimStart().startsWith('import'))
      .map((code, index) => ({ name: `${label}-${index + 1}`, code: `${code}\nexport {};\n` }));
  });
}

describe('README examples', () => {
  it('type-check under strict and noUncheckedIndexedAccess', { timeout: 120_000 }, () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const files = examples().map(({ name, code }) => {
      const file = join(outDir, `${name}.ts`);
      writeFileSync(file, code);
      return file;
    });
    expect(files.length).toBeGreaterThan(0);
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      customConditions: ['source'],
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      types: ['node'],
      noEmit: true,
      allowImportingTsExtensions: true,
    });
    // The files go again once read: they are copies of the READMEs, not sources to lint.
    const problems = checkedFiles(program, files);
    rmSync(outDir, { recursive: true, force: true });
    expect(problems).toEqual([]);
  });
});

function checkedFiles(program: ts.Program, files: string[]): string[] {
  return files.flatMap((file) => {
    const source = program.getSourceFile(file);
    if (!source) return [`${file}: not in the program`];
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
      (diagnostic) => {
        const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        return `${file.slice(outDir.length + 1)}:${line + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      },
    );
  });
}
