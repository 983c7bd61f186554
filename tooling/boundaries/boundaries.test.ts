import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appPackages, lazyExceptions, providerRule, rules } from './rules.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mts)$/.test(name) && !/\.test(-d)?\.ts$/.test(name)) out.push(p);
  }
  return out;
}

const importRe =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

interface Found {
  specifier: string;
  dynamic: boolean;
}

function importsOf(text: string): Found[] {
  const out: Found[] = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec) out.push({ specifier: spec, dynamic: m[2] !== undefined });
  }
  return out;
}

function bare(spec: string): string {
  if (spec.startsWith('@')) return spec.split('/').slice(0, 3).join('/');
  return spec;
}

function packageName(spec: string): string {
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
}

describe('dependency direction', () => {
  for (const rule of rules) {
    it(`${rule.folder}: ${rule.rule}`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(root, rule.folder, 'src'))) {
        const rel = relative(root, file);
        const inNodeFolder = rule.folder === 'packages/protocol' && rel.includes('/src/node/');
        // Test-support modules (exported as ./testing) may use the test runner.
        const testSupport = rel.includes('/src/testing/');
        for (const { specifier, dynamic } of importsOf(readFileSync(file, 'utf8'))) {
          if (specifier.startsWith('.')) {
            // Relative imports must stay inside the package.
            const target = resolve(dirname(file), specifier);
            if (!target.startsWith(join(root, rule.folder)))
              violations.push(`${rel}: reaches outside its package: ${specifier}`);
            continue;
          }
          if (inNodeFolder && specifier.startsWith('node:')) continue;
          if (testSupport && specifier === 'vitest') continue;
          if (dynamic && lazyExceptions[rel]?.includes(specifier)) continue;
          const name = specifier.startsWith('@openclaw/') ? bare(specifier) : packageName(specifier);
          const check = specifier.startsWith('@openclaw/') ? specifier : name;
          if (!rule.allow(check)) violations.push(`${rel}: ${specifier}`);
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it('providers import only the gateway-core channel subpath and their platform library', () => {
    const violations: string[] = [];
    let providers: string[] = [];
    try {
      providers = readdirSync(join(root, 'packages')).filter((d) => d.startsWith('provider-'));
    } catch {
      providers = [];
    }
    for (const p of providers) {
      for (const file of sourceFiles(join(root, 'packages', p, 'src'))) {
        for (const { specifier } of importsOf(readFileSync(file, 'utf8'))) {
          if (specifier.startsWith('.')) continue;
          if (!providerRule(specifier)) violations.push(`${relative(root, file)}: ${specifier}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('no package imports an app', () => {
    const violations: string[] = [];
    for (const dir of readdirSync(join(root, 'packages'))) {
      for (const file of sourceFiles(join(root, 'packages', dir, 'src'))) {
        for (const { specifier } of importsOf(readFileSync(file, 'utf8'))) {
          if (/^@openclaw\/(gateway|cli|node-agent|control-ui)(\/|$)/.test(specifier)) {
            violations.push(`${relative(root, file)}: ${specifier}`);
          }
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('no app imports another app (the CLI may load the gateway lazily)', () => {
    const violations: string[] = [];
    for (const dir of readdirSync(join(root, 'apps'))) {
      const own = JSON.parse(readFileSync(join(root, 'apps', dir, 'package.json'), 'utf8')).name as string;
      for (const file of sourceFiles(join(root, 'apps', dir, 'src'))) {
        const rel = relative(root, file);
        for (const { specifier, dynamic } of importsOf(readFileSync(file, 'utf8'))) {
          const app = appPackages.find((a) => specifier === a || specifier.startsWith(`${a}/`));
          if (!app || app === own) continue;
          if (dynamic && lazyExceptions[rel]?.includes(specifier)) continue;
          violations.push(`${rel}: ${specifier}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  // Type-only imports count: a cycle of types still ties modules that should stand apart, and
  // it is how a value cycle starts.
  it('has no import cycles inside a package, type imports included', () => {
    const graph = new Map<string, string[]>();
    const dirs = ['packages', 'apps'].flatMap((top) => {
      try {
        return readdirSync(join(root, top)).map((d) => join(root, top, d, 'src'));
      } catch {
        return [];
      }
    });
    for (const dir of dirs) {
      for (const file of sourceFiles(dir)) {
        const deps: string[] = [];
        for (const { specifier, dynamic } of importsOf(readFileSync(file, 'utf8'))) {
          if (!specifier.startsWith('.') || dynamic) continue;
          deps.push(resolve(dirname(file), specifier));
        }
        graph.set(file, deps);
      }
    }
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (n: string) => {
      state.set(n, 1);
      stack.push(n);
      for (const d of graph.get(n) ?? []) {
        if (!graph.has(d)) continue;
        if (state.get(d) === 1)
          cycles.push([...stack.slice(stack.indexOf(d)), d].map((f) => relative(root, f)).join(' → '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(n, 2);
    };
    for (const n of graph.keys()) if (!state.has(n)) visit(n);
    expect(cycles).toEqual([]);
  });
});
