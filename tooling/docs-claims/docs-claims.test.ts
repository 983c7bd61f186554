// The docs say what is tested; this keeps them honest: every such claim links to its test, and
// every link to a test names a file and a title that exist.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDocs, checkMarkdown, slug } from './claims.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = '../tooling/docs-claims/docs-claims.test.ts';
const check = (md: string) => checkMarkdown(root, 'docs/EXAMPLE.md', md).map((p) => p.message);

describe('docs claims', () => {
  it('every claim in the docs that something is tested links to a test that exists', () => {
    expect(checkDocs(root).map((p) => `${p.where}: ${p.message}`)).toEqual([]);
  });

  it('a claim without a link to a test is a problem; one with a link to a real test and title is not', () => {
    expect(check('Leases are tested.')).toEqual([
      'claims a test backs it but links to none: "Leases are tested."',
    ]);
    expect(check('Leases are [tested](../apps/gateway/test/nowhere.test.ts).')).toEqual([
      'links to apps/gateway/test/nowhere.test.ts, which does not exist',
      'claims a test backs it but links to none: "Leases are [tested](../apps/gateway/test/nowhere.test.ts)."',
    ]);
    expect(check(`Leases are [tested](${here}#no-such-title).`)).toEqual([
      'links to tooling/docs-claims/docs-claims.test.ts#no-such-title, but no test or suite there has that title',
      `claims a test backs it but links to none: "Leases are [tested](${here}#no-such-title)."`,
    ]);
    expect(check(`Leases are [tested](${here}#${slug('docs claims')}).`)).toEqual([]);
    expect(check(`Leases are [tested](${here}).`)).toEqual([]);
  });

  it('finds claims by their words, under a Tested heading, and in a test file named without a link', () => {
    expect(check('The end-to-end test kills the gateway mid-delivery.')).toHaveLength(1);
    expect(check('This is unit-tested.')).toHaveLength(1);
    expect(check('Covered by the contract suite.')).toHaveLength(1);
    expect(check('See `apps/gateway/test/cluster.test.ts`.')).toHaveLength(1);
    expect(check('## Tested\n\nThree gateways on one Redis.\n\n## Next\n\nPlain prose.')).toEqual([
      'claims a test backs it but links to none: "Three gateways on one Redis."',
    ]);
    // Not claims: a negation, something untested, prose about tests in general, code.
    expect(check('Not covered by the fake: threads.')).toEqual([]);
    expect(check('Threads are untested.')).toEqual([]);
    expect(check('Time-dependent logic takes a clock, so tests stay fast.')).toEqual([]);
    expect(check('```\nthis is tested\n```')).toEqual([]);
  });

  it('each list item and table row is its own claim', () => {
    const md = [
      `- retries are [tested](${here})`,
      '- pacing is tested',
      '',
      '| what | how |',
      '| --- | --- |',
      '| leases | tested |',
    ].join('\n');
    expect(checkMarkdown(root, 'docs/EXAMPLE.md', md).map((p) => p.where)).toEqual([
      'docs/EXAMPLE.md:2',
      'docs/EXAMPLE.md:6',
    ]);
  });
});
