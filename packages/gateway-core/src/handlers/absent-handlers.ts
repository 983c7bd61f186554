import type { absentMethods } from '@openclaw/protocol';
import type { FamilyHandlers } from '../router/router.ts';

/**
 * Families this gateway does not have, answered with what is true here (nothing pending,
 * installed or configured) in the reference's shape, so its clients render without an error.
 */
export function createAbsentHandlers(): FamilyHandlers<typeof absentMethods> {
  return {
    'plugin.approval.list': () => [],
    'openclaw.approval.list': () => [],
    'sessions.observer.visibility': () => ({ ok: true as const }),
    'progressCard.get': () => ({ card: null }),
    'sessions.branches.list': () => ({ branches: [] }),
    'sessions.companion.state': () => ({ exchanges: [] }),
    'tasks.list': () => ({ tasks: [] }),
    'talk.catalog': () => ({
      modes: [],
      transports: [],
      brains: [],
      speech: { ready: false as const, providers: [] },
      transcription: { ready: false as const, providers: [] },
      realtime: { ready: false as const, providers: [] },
    }),
    'plugins.list': () => ({ plugins: [], diagnostics: [], mutationAllowed: false as const }),
  };
}
