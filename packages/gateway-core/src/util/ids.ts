import { randomUUID } from 'node:crypto';
import { randomBase64url } from './random-pool.ts';

/** A short, URL-safe, unguessable id with a readable prefix (req_…, conn_…). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBase64url(9)}`;
}

export function newUuid(): string {
  return randomUUID();
}
