// The reference implementation's published JSON Schema, used as a conformance oracle: what our
// gateway sends for a method or event the reference also has must validate against it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
// The file ships in the package but is not an export: find it next to the package entry.
const schemaPath = join(
  dirname(dirname(require.resolve('@openclaw/gateway-protocol'))),
  'protocol.schema.json',
);

interface ReferenceSchema {
  definitions: Record<string, Record<string, unknown>>;
  methods: Record<string, { scope: string; since: string }>;
}

let doc: ReferenceSchema | undefined;
const cache = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

function load(): { doc: ReferenceSchema; ajv: Ajv } {
  if (!doc || !ajv) {
    doc = JSON.parse(readFileSync(schemaPath, 'utf8')) as ReferenceSchema;
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: 'ref', definitions: doc.definitions });
  }
  return { doc, ajv };
}

/** Validate a value against a reference definition; returns error text (empty when valid). */
export function referenceErrors(definition: string, value: unknown): string {
  const { doc, ajv } = load();
  if (!(definition in doc.definitions)) throw new Error(`reference has no definition ${definition}`);
  let v = cache.get(definition);
  if (!v) {
    v = ajv.compile({ $ref: `ref#/definitions/${definition}` });
    cache.set(definition, v);
  }
  return v(value) ? '' : ajv.errorsText(v.errors, { separator: '\n' });
}

/** Validate against a sub-schema of a definition, e.g. ('HelloOk', ['properties','snapshot','properties','health']). */
export function referenceSubErrors(definition: string, path: string[], value: unknown): string {
  const { doc, ajv } = load();
  const key = `${definition}/${path.join('/')}`;
  let v = cache.get(key);
  if (!v) {
    v = ajv.compile({ $ref: `ref#/definitions/${definition}/${path.join('/')}` });
    cache.set(key, v);
  }
  void doc;
  return v(value) ? '' : ajv.errorsText(v.errors, { separator: '\n' });
}

export function referenceMethodScope(method: string): string | undefined {
  return load().doc.methods[method]?.scope;
}
