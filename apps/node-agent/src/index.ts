export { type NodeAgent, type NodeAgentOptions, startNodeAgent } from './agent.ts';
export { type Allowlist, CommandRefused, loadAllowlist, resolveAllowed, which } from './allowlist.ts';
