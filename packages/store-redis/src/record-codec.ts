// Records are Redis hashes with one field per property, each value JSON-encoded. Scripts can then
// change or compare single fields (a status, a timestamp) without decoding and re-encoding the
// whole record in Lua, where cjson would turn `[]` into `{}` and round large numbers.

/** Field/value pairs for HSET; undefined properties are left out (absent = undefined). */
export function toFields(record: object): string[] {
  const out: string[] = [];
  for (const [field, value] of Object.entries(record)) {
    if (value !== undefined) out.push(field, JSON.stringify(value));
  }
  return out;
}

/** The record stored in a hash (HGETALL reply); undefined when the hash does not exist. */
export function fromHash<T>(hash: Record<string, string>): T | undefined {
  const entries = Object.entries(hash);
  if (entries.length === 0) return undefined;
  // fromEntries defines own properties, so a field named __proto__ cannot reach the prototype.
  return Object.fromEntries(entries.map(([f, v]) => [f, JSON.parse(v) as unknown])) as T;
}

/** The record in a flat `[field, value, …]` array, as a script's HGETALL returns it. */
export function fromFlat<T>(flat: unknown): T | undefined {
  if (!Array.isArray(flat) || flat.length === 0) return undefined;
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[String(flat[i])] = String(flat[i + 1]);
  return fromHash<T>(hash);
}

/**
 * A patch as script arguments: the count of fields to delete, those fields, then field/value pairs.
 * A property present with the value undefined deletes the field, as Object.assign would clear it.
 */
export function patchArgs(patch: object): string[] {
  const dels = Object.entries(patch)
    .filter(([, v]) => v === undefined)
    .map(([f]) => f);
  return [String(dels.length), ...dels, ...toFields(patch)];
}
