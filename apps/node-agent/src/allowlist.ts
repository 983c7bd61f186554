import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { basename, delimiter, isAbsolute, join } from 'node:path';

/** What system.run may execute on this node, from a JSON file the node's owner writes. */
export interface Allowlist {
  /** Program names (looked up on PATH) or absolute paths. */
  commands: string[];
  /** Environment variable names a caller may set. */
  env: string[];
  /**
   * `on-miss`: a program not on the list may still run when the gateway forwards the run with an
   * operator's approval (exec approvals); `off` (default): the list is the whole answer.
   */
  ask: 'off' | 'on-miss';
  /** The file it was read from, named in refusals so the node's owner knows what to edit. */
  path?: string | undefined;
}

/** Where a refusal tells the node's owner to look. */
export function allowlistFile(list: Allowlist): string {
  return list.path ?? "the node's allowlist file (--allowlist, default <state dir>/allowlist.json)";
}

export class CommandRefused extends Error {
  override name = 'CommandRefused';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Reads the allowlist; a missing file means nothing may run. */
export async function loadAllowlist(path: string): Promise<Allowlist> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { commands: [], env: [], path, ask: 'off' };
  }
  const raw = JSON.parse(text) as Partial<Allowlist>;
  if (!Array.isArray(raw.commands) || raw.commands.some((c) => typeof c !== 'string')) {
    throw new Error(`${path}: "commands" must be an array of program names or absolute paths`);
  }
  if (raw.ask !== undefined && raw.ask !== 'off' && raw.ask !== 'on-miss') {
    throw new Error(`${path}: "ask" must be "off" or "on-miss"`);
  }
  return {
    commands: raw.commands,
    env: Array.isArray(raw.env) ? raw.env.filter((e) => typeof e === 'string') : [],
    path,
    ask: raw.ask ?? 'off',
  };
}

/** The absolute path a program name resolves to on PATH, or undefined. */
export async function which(name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  if (isAbsolute(name)) {
    return (await access(name, constants.X_OK).then(
      () => true,
      () => false,
    ))
      ? name
      : undefined;
  }
  if (name.includes('/')) return undefined;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    const ok = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (ok) return candidate;
  }
  return undefined;
}

/**
 * Resolve argv[0] against the allowlist: a bare entry allows that program as found on PATH, an
 * absolute entry allows exactly that file. Anything else is refused with a reason.
 */
export async function resolveAllowed(program: string, list: Allowlist, approved = false): Promise<string> {
  if (approved && list.ask === 'on-miss') {
    // An operator approved exactly this run on the gateway, and this node's owner opted in.
    const resolved = await which(program);
    if (!resolved) throw new CommandRefused('NOT_FOUND', `${program}: not found on this node`);
    return resolved;
  }
  if (list.commands.length === 0) {
    throw new CommandRefused(
      'NOT_ALLOWED',
      `this node allows no commands: list them in ${allowlistFile(list)}, e.g. {"commands": ["uname"]}`,
    );
  }
  const resolved = await which(program);
  if (!resolved) throw new CommandRefused('NOT_FOUND', `${program}: not found on this node`);
  for (const entry of list.commands) {
    if (isAbsolute(entry) ? entry === resolved : entry === program && basename(resolved) === entry)
      return resolved;
  }
  throw new CommandRefused(
    'NOT_ALLOWED',
    `${program} is not on this node's allowlist: add it to "commands" in ${allowlistFile(list)}`,
  );
}
