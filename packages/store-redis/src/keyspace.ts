/**
 * Builds the store's Redis keys: `${prefix}${tag}:${part}`.
 *
 * A single part is appended as is, so Lua scripts can derive a record's key from an id they read
 * from an index (`base .. id`). Keys with several parts escape `%` and `:` in each part, so
 * (`a:b`, `c`) and (`a`, `b:c`) never meet. Every tag has a fixed number of parts.
 */
export type Keyspace = (tag: string, ...parts: string[]) => string;

const escapePart = (part: string) => part.replaceAll('%', '%25').replaceAll(':', '%3A');

export function keyspace(prefix: string): Keyspace {
  return (tag, ...parts) => {
    if (parts.length === 0) return `${prefix}${tag}`;
    if (parts.length === 1) return `${prefix}${tag}:${parts[0]}`;
    return `${prefix}${tag}:${parts.map(escapePart).join(':')}`;
  };
}
