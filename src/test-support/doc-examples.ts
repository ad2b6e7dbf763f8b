/**
 * The examples in README.md and docs/: every fenced block of a given language, with where it is
 * and, when the line before it says `<!-- not run: REASON -->`, why it is not run (an example
 * that installs, or needs a file only the reader has).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface DocExample {
  /** `docs/api/native.md:36`: the file and the line of the opening fence. */
  where: string;
  language: string;
  code: string;
  /** Why the block is not run; undefined for a block that runs. */
  notRun: string | undefined;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The fenced blocks of `languages` in README.md and every Markdown file under docs/. */
export function docExamples(root: string, languages: readonly string[]): DocExample[] {
  const files = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs')).sort()];
  const examples: DocExample[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^(\s*)```(\S*)\s*$/.exec(lines[i] as string);
      if (!open) continue;
      const indent = open[1] as string;
      const language = open[2] as string;
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && (lines[i] as string).trim() !== '```'; i++)
        body.push((lines[i] as string).slice(indent.length));
      if (!languages.includes(language)) continue;
      let before = start - 1;
      while (before >= 0 && (lines[before] as string).trim() === '') before--;
      const notRun = /<!-- not run: (.+?) -->/.exec(lines[before] ?? '')?.[1];
      examples.push({
        where: `${relative(root, file)}:${start + 1}`,
        language,
        code: `${body.join('\n')}\n`,
        notRun,
      });
    }
  }
  return examples;
}
