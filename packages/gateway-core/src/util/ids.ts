import { randomBytes, randomUUID } from 'node:crypto';

/** A short, URL-safe, unguessable id with a readable prefix (req_…, conn_…). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

export function newUuid(): string {
  return randomUUID();
}
