/** What this gateway process is: its version, boot id and start time. */
export interface GatewayIdentity {
  readonly version: string;
  readonly bootId: string;
  readonly startedAtMs: number;
}
