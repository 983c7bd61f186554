// Finds the places where the docs say something is tested, and checks that each one links to the
// test that proves it: a relative link to a test file, optionally `#<slug of a test or suite title>`.
// A claim without such a link, or a link to a file or title that does not exist, is a problem.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface Problem {
  /** Markdown file, from the repo root, and line. */
  where: string;
  message: string;
}

/** Words that claim a test backs something. "not covered by", "untested" are not claims. */
const CLAIM = [
  /(?<![\w-])(?:unit-|end-to-end-)?tested\b/i,
  /(?<!\bnot\s)\bcovered by\b/i,
  /\b(?:a|an|the|one|each|every|this|its)\s+(?:[\w-]+\s+)?test(?:s|\ssuite)?\s+(?:proves?|shows?|checks?|covers?|carries|kills|runs|asserts?|enforces?|fails\s+when)\b/i,
];

/** A test file named in prose (so it must be a link the check can follow). */
const NAMED_TEST_FILE = /`[^`]*\.test\.ts(?:#[^`]*)?`/;

const LINK = /\[([^\]]*)\]\(([^)\s]+)\)/g;

/** "Control UI: a wrong value…" → "control-ui-a-wrong-value" */
export function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const TITLE = /\b(?:it|test|describe|suite)(?:\.\w+)*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;

/** Slugs of every literal test and suite title in a test file. */
export function titleSlugs(source: string): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(TITLE)) {
    if (m[1] === '`' && m[2]!.includes('${')) continue;
    out.add(slug(m[2]!.replace(/\\(.)/g, '$1')));
  }
  return out;
}

/** A file a claim may point at: a test file, or a shared suite under a testing/ folder. */
export function isTestFile(path: string): boolean {
  return /\.test(?:-d)?\.ts$/.test(path) || /(?:^|\/)testing\/[^/]+\.ts$/.test(path);
}

interface Block {
  line: number;
  text: string;
  /** The section heading above it. */
  heading: string;
}

/** Paragraphs, list items and table rows, outside code fences, with the heading they sit under. */
export function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let heading = '';
  let fence = false;
  let cur: Block | undefined;
  const flush = () => {
    if (cur) out.push(cur);
    cur = undefined;
  };
  for (const [i, raw] of markdown.split('\n').entries()) {
    const line = raw.trimEnd();
    if (/^\s*(```|~~~)/.test(line)) {
      flush();
      fence = !fence;
      continue;
    }
    if (fence) continue;
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) {
      flush();
      heading = h[1]!;
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    // A new list item or table row starts a block of its own.
    if (/^\s*(?:[-*+]|\d+\.)\s/.test(line) || /^\s*\|/.test(line)) flush();
    if (cur) cur.text += `\n${line}`;
    else cur = { line: i + 1, text: line, heading };
  }
  flush();
  return out;
}

export function isClaim(b: Block): boolean {
  if (/^test(?:s|ed|ing)?$/i.test(b.heading.trim())) return true;
  return CLAIM.some((re) => re.test(b.text)) || NAMED_TEST_FILE.test(b.text);
}

/** Problems in one markdown file (`path` is relative to `root`). */
export function checkMarkdown(root: string, path: string, markdown: string): Problem[] {
  const problems: Problem[] = [];
  const dir = dirname(join(root, path));
  for (const b of blocks(markdown)) {
    const where = `${path}:${b.line}`;
    let pointers = 0;
    for (const m of b.text.matchAll(LINK)) {
      const target = m[2]!;
      if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
      const [file, anchor] = target.split('#', 2) as [string, string | undefined];
      const abs = resolve(dir, decodeURIComponent(file));
      const rel = relative(root, abs);
      if (!isTestFile(rel)) continue;
      if (!existsSync(abs) || !statSync(abs).isFile()) {
        problems.push({ where, message: `links to ${rel}, which does not exist` });
        continue;
      }
      if (anchor && !titleSlugs(readFileSync(abs, 'utf8')).has(anchor)) {
        problems.push({
          where,
          message: `links to ${rel}#${anchor}, but no test or suite there has that title`,
        });
        continue;
      }
      pointers++;
    }
    if (isClaim(b) && pointers === 0) {
      const first = b.text.split('\n')[0]!.trim();
      problems.push({
        where,
        message: `claims a test backs it but links to none: "${first.length > 100 ? `${first.slice(0, 100)}…` : first}"`,
      });
    }
  }
  return problems;
}

/** The markdown the check reads: docs/, the README, tooling's READMEs. */
export function scannedFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(join(root, d))) {
      const p = join(d, name);
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else if (name.endsWith('.md')) out.push(p);
    }
  };
  walk('docs');
  out.push('README.md');
  for (const t of readdirSync(join(root, 'tooling'))) {
    if (existsSync(join(root, 'tooling', t, 'README.md'))) out.push(join('tooling', t, 'README.md'));
  }
  return out.sort();
}

export function checkDocs(root: string): Problem[] {
  return scannedFiles(root).flatMap((p) => checkMarkdown(root, p, readFileSync(join(root, p), 'utf8')));
}
