// pnpm mutate [module ...] [stryker flags]: mutation testing of the modules in modules.ts, one
// Stryker run per module, then a score table. Reports go to reports/mutation/<module>/ (git-ignored).
//   pnpm mutate                     every module
//   pnpm mutate outbox leases       those modules
//   pnpm mutate outbox --incremental --concurrency 2
//   pnpm mutate router --mutate packages/gateway-core/src/router/idempotency.ts   (part of a module)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modules } from './modules.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2).filter((a) => a !== '--');
const names: string[] = [];
const flags: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i] ?? '';
  if (a.startsWith('-')) {
    flags.push(a);
    // A flag's value travels with it.
    const v = args[i + 1];
    if (v !== undefined && !v.startsWith('-') && !(v in modules)) {
      flags.push(v);
      i++;
    }
  } else names.push(a);
}
const unknown = names.filter((n) => !(n in modules));
if (unknown.length > 0) {
  process.stderr.write(
    `mutate: unknown module ${unknown.join(', ')}; modules: ${Object.keys(modules).join(', ')}\n`,
  );
  process.exit(2);
}
const chosen = names.length > 0 ? names : Object.keys(modules);

const stryker = join(
  dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')),
  'bin',
  'stryker.js',
);

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

interface Row {
  name: string;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  errors: number;
}

const undetected = new Set(['Survived', 'NoCoverage']);

function summarise(name: string): Row | undefined {
  const file = join(root, 'reports', 'mutation', name, 'mutation.json');
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const row: Row = { name, killed: 0, survived: 0, noCoverage: 0, timeout: 0, errors: 0 };
  const survivors: string[] = [];
  for (const [path, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      if (m.status === 'Killed') row.killed++;
      else if (m.status === 'Timeout') row.timeout++;
      else if (m.status === 'Survived') row.survived++;
      else if (m.status === 'NoCoverage') row.noCoverage++;
      else if (m.status !== 'Ignored') row.errors++;
      if (undetected.has(m.status)) {
        const at = `${path.replace(/\\/g, '/')}:${m.location.start.line}:${m.location.start.column}`;
        survivors.push(`${at} ${m.status} ${m.mutatorName} ${JSON.stringify(m.replacement ?? '')}`);
      }
    }
  }
  writeFileSync(join(dirname(file), 'survivors.txt'), survivors.join('\n') + (survivors.length ? '\n' : ''));
  return row;
}

function score(r: Row): string {
  const valid = r.killed + r.timeout + r.survived + r.noCoverage;
  return valid === 0 ? 'n/a' : `${((100 * (r.killed + r.timeout)) / valid).toFixed(1)}%`;
}

let failed = false;
const rows: Row[] = [];
for (const name of chosen) {
  process.stdout.write(`\n== mutate ${name}\n`);
  const res = spawnSync(process.execPath, [stryker, 'run', 'tooling/mutate/stryker.config.mjs', ...flags], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MUTATE_MODULE: name },
  });
  if (res.status !== 0) {
    failed = true;
    process.stderr.write(`mutate: stryker failed for ${name} (exit ${res.status ?? res.signal})\n`);
    continue;
  }
  const row = summarise(name);
  if (row) rows.push(row);
}

process.stdout.write('\n| module | score | killed | timeout | survived | no coverage | errors |\n');
process.stdout.write('|---|---|---|---|---|---|---|\n');
for (const r of rows) {
  process.stdout.write(
    `| ${r.name} | ${score(r)} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${r.errors} |\n`,
  );
}
process.stdout.write(
  `\nsurvivors: reports/mutation/<module>/survivors.txt; details: reports/mutation/<module>/index.html\n`,
);
process.exit(failed ? 1 : 0);
