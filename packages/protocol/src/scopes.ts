/** Roles a connection can take. */
export const Roles = ['operator', 'node'] as const;
export type Role = (typeof Roles)[number];

/** Operator scopes. `operator.admin` implies every other scope; `operator.write` implies `operator.read`. */
export const OperatorScopes = [
  'operator.read',
  'operator.write',
  'operator.admin',
  'operator.approvals',
  'operator.pairing',
] as const;
export type OperatorScope = (typeof OperatorScopes)[number];

/** What a method requires of its caller: an operator scope, or the node role. */
export type MethodScope = OperatorScope | 'node';

const operatorScopeSet: ReadonlySet<string> = new Set(OperatorScopes);
export function isOperatorScope(value: string): value is OperatorScope {
  return operatorScopeSet.has(value);
}

/** True when a caller holding `held` may call something that requires `required`. */
export function scopeSatisfies(held: readonly string[], required: OperatorScope): boolean {
  if (held.includes('operator.admin')) return true;
  if (held.includes(required)) return true;
  return required === 'operator.read' && held.includes('operator.write');
}

/** True when every scope in `wanted` is covered by `granted` (with the implications above). */
export function scopesCovered(granted: readonly string[], wanted: readonly string[]): boolean {
  for (const scope of wanted) {
    if (!isOperatorScope(scope) || !scopeSatisfies(granted, scope)) return false;
  }
  return true;
}
