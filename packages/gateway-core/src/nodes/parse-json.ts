/** A node's JSON text as a value; text that is not JSON is kept as the string it is. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
