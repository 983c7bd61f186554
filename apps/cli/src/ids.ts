import { CliError, ExitCodes } from './errors.ts';

/** Something an id may name, as the CLI lists it. */
export interface IdCandidate {
  id: string;
  /** What a person recognises it by (a device or node name). */
  label?: string | undefined;
}

/** Ids longer than this (device and node ids: 64 hex digits) are shown shortened. */
const LONG_ID = 24;

/** The shortened id tables show (`06b58a2254c0…`); short ids (requests) are shown whole. Accepted back. */
export function shortId(id: string): string {
  return id.length > LONG_ID ? `${id.slice(0, 12)}…` : id;
}

/** What was typed, without the ellipsis a copied short id carries. */
function normalise(input: string): string {
  return input
    .trim()
    .replace(/(…|\.\.\.)$/, '')
    .trim();
}

function describe(c: IdCandidate, length = 12): string {
  const id = c.id.length > Math.max(LONG_ID, length) ? `${c.id.slice(0, length)}…` : c.id;
  return c.label ? `${id} (${c.label})` : id;
}

/** Characters all of `ids` share at the start. */
function commonPrefix(ids: readonly string[]): number {
  const first = ids[0] ?? '';
  let n = 0;
  while (n < first.length && ids.every((id) => id[n] === first[n])) n++;
  return n;
}

/**
 * The one id among `candidates` that `input` names: the whole id, or a unique prefix (a shortened
 * id as the tables print it, with or without its `…`). Matching is exact first, then ignoring case.
 * Nothing or several matching is a usage error that lists what there is.
 *
 * @param what how the candidates are called in messages, e.g. `paired device`.
 */
export function resolveId(input: string, candidates: readonly IdCandidate[], what: string): string {
  const wanted = normalise(input);
  if (!wanted) throw new CliError(`empty ${what} id`, { exitCode: ExitCodes.USAGE });
  const exact = candidates.find((c) => c.id === wanted);
  if (exact) return exact.id;
  let matches = candidates.filter((c) => c.id.startsWith(wanted));
  if (matches.length === 0) {
    const lower = wanted.toLowerCase();
    matches = candidates.filter((c) => c.id.toLowerCase().startsWith(lower));
  }
  if (matches.length === 1 && matches[0]) return matches[0].id;
  // Show enough of each id to tell them apart.
  const shown = (list: readonly IdCandidate[]) =>
    list
      .slice(0, 10)
      .map((c, _, all) => `  ${describe(c, Math.max(12, commonPrefix(all.map((x) => x.id)) + 4))}`)
      .concat(list.length > 10 ? [`  … and ${list.length - 10} more`] : []);
  if (matches.length === 0) {
    throw new CliError(`no ${what} matches "${wanted}"`, {
      exitCode: ExitCodes.USAGE,
      hint: candidates.length
        ? [`${what}s:`, ...shown(candidates)].join('\n')
        : `there are no ${what}s right now`,
    });
  }
  throw new CliError(`"${wanted}" matches ${matches.length} ${what}s; give more of the id`, {
    exitCode: ExitCodes.USAGE,
    hint: shown(matches).join('\n').replace(/^ {2}/gm, ''),
  });
}
