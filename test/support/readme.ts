import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

/** The repository's documentation as one text: the README, then every guide in docs/ (the examples the tests run live in both). */
const docs = new URL('../../docs/', import.meta.url);
export const readme = [
  readFileSync(new URL('../../README.md', import.meta.url), 'utf8'),
  ...readdirSync(docs)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => readFileSync(new URL(f, docs), 'utf8')),
].join('\n\n');

/** The first ```ts block after `heading` (a regular-expression source) in the README. */
export function readmeBlock(heading: string): string | undefined {
  return new RegExp(`${heading}[\\s\\S]*?\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
}

/** The ```ts block of the README whose text contains `marker`. */
export function readmeBlockContaining(marker: string): string | undefined {
  for (const match of readme.matchAll(/```ts\n([\s\S]*?)```/g)) if (match[1].includes(marker)) return match[1];
  return undefined;
}

/** Compile a README TypeScript example to a module file in the test package and return its path. */
export function writeExample(name: string, code: string): string {
  const { outputText } = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  const dir = new URL('../dist/docs/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(name, dir);
  writeFileSync(file, outputText);
  return file.pathname;
}
