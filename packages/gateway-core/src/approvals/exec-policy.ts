import { createHash } from 'node:crypto';
import { basename, isAbsolute } from 'node:path';
import { type ExecApprovalDecision, type ExecApprovalsFile, gatewayError } from '@openclaw/protocol';

/** The policy in effect until an operator saves one: run what nodes allow, never ask. */
const BUILT_IN = { security: 'full', ask: 'off', askFallback: 'deny', autoAllowSkills: false } as const;

export type Security = 'deny' | 'allowlist' | 'full';
export type Ask = 'off' | 'on-miss' | 'always';

export interface ResolvedPolicy {
  security: Security;
  ask: Ask;
  askFallback: Security;
  autoAllowSkills: boolean;
}

/** The policy for an agent (or the defaults): the agent's own settings over the defaults over the built-in ones. */
export function resolvePolicy(file: ExecApprovalsFile, agent: string | undefined): ResolvedPolicy {
  const d = file.defaults ?? {};
  const a = agent ? (file.agents?.[agent] ?? {}) : {};
  const pick = <T extends string>(ok: (v: string) => v is T, ...vs: (string | undefined)[]) =>
    vs.find((v): v is T => v !== undefined && ok(v));
  return {
    security: pick(isSecurity, a.security, d.security) ?? BUILT_IN.security,
    ask: pick(isAsk, a.ask, d.ask) ?? BUILT_IN.ask,
    askFallback: pick(isSecurity, a.askFallback, d.askFallback) ?? BUILT_IN.askFallback,
    autoAllowSkills: a.autoAllowSkills ?? d.autoAllowSkills ?? BUILT_IN.autoAllowSkills,
  };
}

/** A bare entry matches that program name; an absolute entry matches exactly that path. */
export function allowlistEntry<E extends { pattern: string }>(
  program: string,
  list: readonly E[],
): E | undefined {
  return list.find((e) =>
    isAbsolute(e.pattern) ? e.pattern === program : e.pattern === program || e.pattern === basename(program),
  );
}

export function isSecurity(v: string): v is Security {
  return v === 'deny' || v === 'allowlist' || v === 'full';
}
export function isAsk(v: string): v is Ask {
  return v === 'off' || v === 'on-miss' || v === 'always';
}
export function isDecision(v: string): v is ExecApprovalDecision {
  return v === 'allow-once' || v === 'allow-always' || v === 'deny';
}

export function invalidPolicyValue(field: string, value: string) {
  return gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', `invalid ${field}: ${value}`, {
    details: { path: `/${field}`, reason: 'not one of the allowed values' },
  });
}

/** Throws on a value the policy does not know (before anything is stored). */
export function checkPolicyFile(file: ExecApprovalsFile): void {
  for (const p of [file.defaults, ...Object.values(file.agents ?? {})]) {
    if (!p) continue;
    if (p.security !== undefined && !isSecurity(p.security)) throw invalidPolicyValue('security', p.security);
    if (p.askFallback !== undefined && !isSecurity(p.askFallback))
      throw invalidPolicyValue('askFallback', p.askFallback);
    if (p.ask !== undefined && !isAsk(p.ask)) throw invalidPolicyValue('ask', p.ask);
  }
}

export function policyHash(file: ExecApprovalsFile): string {
  return createHash('sha256').update(JSON.stringify(file)).digest('hex');
}

/** An argv as one command line for people (shell quoting where needed). */
export function commandLine(argv: readonly string[]): string {
  return argv
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
