// A Stryker ignorer: mutants inside a logger call (log.info/warn/error/debug/trace) are left out
// of the score. What a log line says is read by people, not by the code; the tests check what the
// logs must never hold (secrets), not their wording. Everything else a module does still counts.
const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

function isLogger(node) {
  if (node.type === 'Identifier') return node.name === 'log' || node.name === 'logger';
  if (node.type === 'MemberExpression') {
    const p = node.property;
    return (
      (p.type === 'Identifier' && (p.name === 'log' || p.name === 'logger')) ||
      (p.type === 'PrivateName' && p.id.name === 'log')
    );
  }
  return false;
}

export const strykerPlugins = [
  {
    kind: 'Ignore',
    name: 'logging',
    value: {
      shouldIgnore(path) {
        // The statement too: removing a whole log line is a mutant of the statement, not the call.
        const node = path.node.type === 'ExpressionStatement' ? path.node.expression : path.node;
        if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression') return undefined;
        const { object, property } = node.callee;
        if (property.type === 'Identifier' && LEVELS.has(property.name) && isLogger(object)) {
          return 'log output: its wording is for people, not behaviour the tests pin';
        }
        return undefined;
      },
    },
  },
];
