import type { ReasoningLevel, ThinkingLevel } from '@openclaw/protocol';

/** A session's thinking and reasoning settings as chat directives read and change them. */
export interface SessionLevels {
  /** Its own levels, the levels its model takes, and what applies when it has none. */
  rows(keys: readonly string[]): Promise<
    Map<
      string,
      {
        thinkingLevel?: ThinkingLevel;
        thinkingOptions: ThinkingLevel[];
        thinkingDefault: ThinkingLevel;
        reasoningLevel?: ReasoningLevel;
        reasoningDefault: ReasoningLevel;
      }
    >
  >;
  set(sessionKey: string, level: ThinkingLevel | null): Promise<void>;
  setReasoning(sessionKey: string, level: ReasoningLevel | null): Promise<void>;
}
