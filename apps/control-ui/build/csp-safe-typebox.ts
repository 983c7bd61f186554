import type { Plugin } from 'vite';

const VIRTUAL_ID = '\0openclaw:typebox-compiler';

// TypeBox's compiler turns a schema into code and runs it with `new Function`. The gateway's
// Content-Security-Policy has no 'unsafe-eval', so in the browser bundle the compiler is swapped
// for the same API backed by TypeBox's interpreter (Value.Check / Value.Errors): same answers, no eval.
const SHIM = `
import { Value } from '@sinclair/typebox/value';
export class TypeCheck {
  constructor(schema, references) { this.schema = schema; this.references = references; }
  Check(value) { return Value.Check(this.schema, this.references, value); }
  Errors(value) { return Value.Errors(this.schema, this.references, value); }
  Schema() { return this.schema; }
  References() { return this.references; }
  Code() { return ''; }
}
export const TypeCompiler = {
  Compile(schema, references = []) { return new TypeCheck(schema, references); },
};
`;

/** Something the page could only run with 'unsafe-eval': `new Function(…)` (also through `globalThis.`), `Function(…)`, `eval(…)`. */
export const EVAL_RE = /(?:^|[^\w$.])(?:(?:globalThis|window|self)\.)?Function\s*\(|(?:^|[^\w$.])eval\s*\(/;

/**
 * Keeps the bundle runnable under the gateway's CSP: replaces `@sinclair/typebox/compiler` (used
 * by the protocol's validators) with an eval-free equivalent, and fails the build if any chunk
 * still constructs code at run time.
 */
export function cspSafeTypebox(): Plugin {
  let typeboxImporter: string | undefined;
  return {
    name: 'openclaw:csp-safe-typebox',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (source === '@sinclair/typebox/compiler') {
        typeboxImporter ??= importer;
        return VIRTUAL_ID;
      }
      // The shim's own imports resolve from where the protocol found TypeBox.
      if (importer === VIRTUAL_ID && typeboxImporter) {
        return this.resolve(source, typeboxImporter, { skipSelf: true });
      }
      return null;
    },
    load(id) {
      return id === VIRTUAL_ID ? SHIM : null;
    },
    generateBundle(_options, bundle) {
      for (const [name, chunk] of Object.entries(bundle)) {
        if (chunk.type === 'chunk' && EVAL_RE.test(chunk.code)) {
          this.error(`${name} evaluates code at run time, which the gateway's CSP forbids`);
        }
      }
    },
  };
}
