/** Roles a connection can take. */
export const Roles = ['operator', 'node'] as const;
export type Role = (typeof Roles)[number];

/**
 * Operator scopes: the closed set the protocol defines (the same set, with the same meaning, as
 * the reference gateway).
 *
 * - `operator.read`: status, lists, logs, session reads; no mutation.
 * - `operator.write`: sending messages, agent runs, node command relay. Implies `operator.read`,
 *   `operator.talk`, `operator.sessions.read` and `operator.sessions.write`.
 * - `operator.admin`: config, updates, channel lifecycle, high-risk approvals. Implies every scope.
 * - `operator.pairing`: device and node pairing management.
 * - `operator.approvals`: exec approval APIs.
 * - `operator.questions`: listing, reading and answering interactive questions.
 * - `operator.sessions.read`: reading sessions only (implied by `operator.read`).
 * - `operator.sessions.write`: working in sessions (implies `operator.sessions.read`).
 * - `operator.talk`: Talk sessions without general write access.
 * - `operator.talk.secrets`: reading Talk configuration with secrets included.
 */
export const OperatorScopes = [
  'operator.read',
  'operator.write',
  'operator.admin',
  'operator.approvals',
  'operator.pairing',
  'operator.questions',
  'operator.sessions.read',
  'operator.sessions.write',
  'operator.talk',
  'operator.talk.secrets',
] as const;
export type OperatorScope = (typeof OperatorScopes)[number];

/** What a method requires of its caller: an operator scope, or the node role. */
export type MethodScope = OperatorScope | 'node';

const operatorScopeSet: ReadonlySet<string> = new Set(OperatorScopes);
export function isOperatorScope(value: string): value is OperatorScope {
  return operatorScopeSet.has(value);
}

/** Scopes that a held scope implies besides itself (admin implies everything and is handled apart). */
const IMPLIED_BY: Readonly<Partial<Record<OperatorScope, readonly OperatorScope[]>>> = {
  'operator.read': ['operator.write'],
  'operator.talk': ['operator.write'],
  'operator.sessions.write': ['operator.write'],
  'operator.sessions.read': ['operator.read', 'operator.write', 'operator.sessions.write'],
};

/** True when a caller holding `held` may call something that requires `required`. */
export function scopeSatisfies(held: readonly string[], required: OperatorScope): boolean {
  if (held.includes('operator.admin')) return true;
  if (held.includes(required)) return true;
  const via = IMPLIED_BY[required];
  if (!via) return false;
  for (const s of via) if (held.includes(s)) return true;
  return false;
}

/** The scopes, any one of which satisfies `required` (for MISSING_SCOPE details), broadest last. */
export function scopesSatisfying(required: OperatorScope): OperatorScope[] {
  if (required === 'operator.admin') return ['operator.admin'];
  return [required, ...(IMPLIED_BY[required] ?? []), 'operator.admin'];
}

/** True when every scope in `wanted` is covered by `granted` (with the implications above). */
export function scopesCovered(granted: readonly string[], wanted: readonly string[]): boolean {
  for (const scope of wanted) {
    if (!isOperatorScope(scope) || !scopeSatisfies(granted, scope)) return false;
  }
  return true;
}
