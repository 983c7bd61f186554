import { readFile } from 'node:fs/promises';
import { type ConfigIssue, checkConfigText, formatConfigIssues } from '@openclaw/protocol';
import JSON5 from 'json5';
import { CliError, ExitCodes } from './errors.ts';
import { configPath } from './local-state.ts';

/** The local config file as the gateway would read it: its content, or every problem it has. */
export interface LocalConfig {
  path: string;
  exists: boolean;
  /** The file's content when it parses (even if the schema rejects it). */
  raw: Record<string, unknown> | undefined;
  /** Syntax or schema problems, each with its line and column. Empty when valid. */
  issues: ConfigIssue[];
}

/** Read and check the config file (a missing file is valid: defaults apply). */
export async function loadLocalConfig(env: NodeJS.ProcessEnv = process.env): Promise<LocalConfig> {
  const path = configPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { path, exists: false, raw: undefined, issues: [] };
    return {
      path,
      exists: true,
      raw: undefined,
      issues: [{ path: '', kind: 'syntax', message: `cannot read: ${(error as Error).message}` }],
    };
  }
  const r = checkConfigText(text, (t) => JSON5.parse(t));
  if (r.ok) return { path, exists: true, raw: r.raw, issues: [] };
  let raw: Record<string, unknown> | undefined;
  try {
    const parsed = JSON5.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      raw = parsed as Record<string, unknown>;
  } catch {
    raw = undefined;
  }
  return { path, exists: true, raw, issues: r.issues };
}

/** The error for a config file the gateway would refuse: where, line:col, and what is wrong. */
export function brokenConfigError(c: LocalConfig, consequence: string): CliError {
  const lines = formatConfigIssues(c.issues, c.path);
  const head =
    lines.length === 1
      ? `the config file is broken: ${lines[0]}`
      : `the config file has ${lines.length} problems`;
  return new CliError(head, {
    exitCode: ExitCodes.USAGE,
    hint: [...(lines.length === 1 ? [] : lines), consequence].join('\n'),
    details: { path: c.path, issues: c.issues },
  });
}
