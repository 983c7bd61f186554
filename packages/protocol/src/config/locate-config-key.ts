/** A place in a text file, both 1-based (what editors and `file:line:col` links use). */
export interface TextPosition {
  line: number;
  column: number;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

interface Token {
  kind: 'punct' | 'string' | 'word';
  text: string;
  at: TextPosition;
}

/**
 * Tokens of a JSON5 document: punctuation, strings (unquoted), and bare words (keys,
 * numbers, literals). Comments and whitespace are skipped. Lenient: it never throws, because
 * it only runs to point at a problem already found.
 */
function* tokens(text: string): Generator<Token> {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  // Columns count code points, like the JSON5 parser's own error positions.
  const at = (): TextPosition => ({ line, column: [...text.slice(lineStart, i)].length + 1 });
  const newline = (c: string | undefined, next: string | undefined): boolean => {
    if (c === '\n' || c === '\u2028' || c === '\u2029' || (c === '\r' && next !== '\n')) {
      line++;
      lineStart = i + 1;
      return true;
    }
    return false;
  };
  while (i < text.length) {
    const c = text[i];
    if (newline(c, text[i + 1]) || (c !== undefined && /[\s\uFEFF]/.test(c))) {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) {
        newline(text[i], text[i + 1]);
        i++;
      }
      i += 2;
      continue;
    }
    if (c === '{' || c === '}' || c === '[' || c === ']' || c === ':' || c === ',') {
      yield { kind: 'punct', text: c, at: at() };
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = at();
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') {
          const e = text[i + 1] ?? '';
          if (e === 'u') {
            value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16) || 0);
            i += 6;
            continue;
          }
          if (e === 'x') {
            value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 4), 16) || 0);
            i += 4;
            continue;
          }
          if (e === '\n' || e === '\r') {
            i++;
            newline(text[i], text[i + 1]);
          } else value += ESCAPES[e] ?? e;
          i += 2;
          continue;
        }
        value += text[i];
        i++;
      }
      i++;
      yield { kind: 'string', text: value, at: start };
      continue;
    }
    const start = at();
    let word = '';
    while (i < text.length) {
      const w = text[i] ?? '';
      if (/[\s\uFEFF{}[\]:,"']/.test(w) || (w === '/' && (text[i + 1] === '/' || text[i + 1] === '*'))) break;
      word += w;
      i++;
    }
    yield { kind: 'word', text: word, at: start };
  }
}

/**
 * Where each key of a JSON5 document starts, by dotted path (`gateway.port`; array elements by
 * index, `gateway.allowedOrigins.0`, pointing at the element). Parsing stops quietly at the first
 * thing it does not understand, keeping what it found before.
 */
export function configKeyPositions(text: string): Map<string, TextPosition> {
  const out = new Map<string, TextPosition>();
  const it = tokens(text);
  let current: Token | undefined = it.next().value ?? undefined;
  const advance = () => {
    current = it.next().value ?? undefined;
  };
  // Read through a function: `advance()` changes `current` behind the compiler's narrowing.
  const isPunct = (text: string) => {
    const t: Token | undefined = current;
    return t?.kind === 'punct' && t.text === text;
  };
  const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);
  const value = (path: string): boolean => {
    const t = current;
    if (!t) return false;
    if (t.kind === 'punct' && t.text === '{') {
      advance();
      while (current) {
        const k: Token = current;
        if (k.kind === 'punct' && k.text === '}') {
          advance();
          return true;
        }
        if (k.kind === 'punct') return false;
        const child = join(path, k.text);
        out.set(child, k.at);
        advance();
        if (!isPunct(':')) return false;
        advance();
        if (!value(child)) return false;
        if (isPunct(',')) advance();
      }
      return false;
    }
    if (t.kind === 'punct' && t.text === '[') {
      advance();
      let index = 0;
      while (current) {
        const v: Token = current;
        if (v.kind === 'punct' && v.text === ']') {
          advance();
          return true;
        }
        const child = join(path, String(index++));
        out.set(child, v.at);
        if (!value(child)) return false;
        if (isPunct(',')) advance();
      }
      return false;
    }
    if (t.kind === 'punct') return false;
    advance();
    return true;
  };
  value('');
  return out;
}

/**
 * Where a dotted key path is in a JSON5 document: the key itself, else its nearest ancestor that
 * is in the file (a missing key points at the object that should hold it). Undefined when not even
 * the first segment is there.
 */
export function locateConfigKey(
  text: string,
  path: string,
  positions = configKeyPositions(text),
): TextPosition | undefined {
  const parts = path.split('.').filter(Boolean);
  for (let n = parts.length; n > 0; n--) {
    const found = positions.get(parts.slice(0, n).join('.'));
    if (found) return found;
  }
  return undefined;
}
