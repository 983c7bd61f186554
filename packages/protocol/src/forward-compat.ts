import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pointer(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/**
 * `value` without the properties `schema` does not declare, wherever the schema is a closed
 * object (`additionalProperties: false`); the pointers of what was dropped are pushed to
 * `dropped`. Nothing is mutated: changed objects and arrays are copies. Declared properties are
 * left as they are, valid or not — validation stays the schema's job. A union keeps the first
 * variant whose stripped value then validates (or the value untouched when none does).
 *
 * This is the slow path of forward compatibility (a newer client sending a field this gateway
 * does not know yet); the hot path never reaches it.
 */
export function dropUnknownProperties(
  schema: TSchema,
  value: unknown,
  path: string,
  dropped: string[],
): unknown {
  switch (schema[Kind]) {
    case 'Object':
      return isPlainObject(value) ? stripObject(schema, value, path, dropped) : value;
    case 'Record':
      return isPlainObject(value) ? stripRecord(schema, value, path, dropped) : value;
    case 'Array':
      return Array.isArray(value) ? stripArray(schema, value, path, dropped) : value;
    case 'Union':
      return stripUnion(schema, value, path, dropped);
    default:
      return value;
  }
}

function stripObject(schema: TSchema, value: Json, path: string, dropped: string[]): Json {
  const properties = (schema.properties ?? {}) as Record<string, TSchema>;
  const additional = schema.additionalProperties as boolean | TSchema | undefined;
  let out: Json | undefined;
  for (const key of Object.keys(value)) {
    const sub = Object.hasOwn(properties, key)
      ? properties[key]
      : typeof additional === 'object'
        ? additional
        : undefined;
    if (!sub) {
      if (additional === false) {
        out ??= { ...value };
        delete out[key];
        dropped.push(pointer(path, key));
      }
      continue;
    }
    const before = value[key];
    const after = dropUnknownProperties(sub, before, pointer(path, key), dropped);
    if (after !== before) {
      out ??= { ...value };
      out[key] = after;
    }
  }
  return out ?? value;
}

function stripRecord(schema: TSchema, value: Json, path: string, dropped: string[]): Json {
  const patterns = Object.values((schema.patternProperties ?? {}) as Record<string, TSchema>);
  const sub = patterns[0];
  if (!sub) return value;
  let out: Json | undefined;
  for (const key of Object.keys(value)) {
    const before = value[key];
    const after = dropUnknownProperties(sub, before, pointer(path, key), dropped);
    if (after !== before) {
      out ??= { ...value };
      out[key] = after;
    }
  }
  return out ?? value;
}

function stripArray(schema: TSchema, value: unknown[], path: string, dropped: string[]): unknown[] {
  const items = schema.items as TSchema | undefined;
  if (!items || Array.isArray(items)) return value;
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const after = dropUnknownProperties(items, value[i], pointer(path, i), dropped);
    if (after !== value[i]) {
      out ??= [...value];
      out[i] = after;
    }
  }
  return out ?? value;
}

function stripUnion(schema: TSchema, value: unknown, path: string, dropped: string[]): unknown {
  for (const variant of (schema.anyOf ?? []) as TSchema[]) {
    const mine: string[] = [];
    const candidate = dropUnknownProperties(variant, value, path, mine);
    if (Value.Check(variant, candidate)) {
      dropped.push(...mine);
      return candidate;
    }
  }
  return value;
}
