/** Orders strings by UTF-16 code units, like SQLite's default BINARY collation. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
