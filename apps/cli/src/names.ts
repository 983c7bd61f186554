/** A device or node as far as naming goes. */
export interface Nameable {
  id: string;
  name?: string | undefined;
  platform?: string | undefined;
}

/**
 * Names that tell things apart: each keeps its own name, and two with the same name (two CLIs on
 * one host, two phones of one app) get their platform when that differs, else the start of their
 * id, which the CLI also accepts as the id: `openclaw-cli@build (3fa9c2d1)`.
 */
export function distinctNames(items: readonly Nameable[]): Map<string, string> {
  const byName = new Map<string, Nameable[]>();
  for (const item of items) {
    const name = item.name ?? item.id.slice(0, 12);
    byName.set(name, [...(byName.get(name) ?? []), item]);
  }
  const out = new Map<string, string>();
  for (const [name, group] of byName) {
    if (group.length === 1) {
      out.set(group[0]?.id ?? '', name);
      continue;
    }
    const platforms = new Set(group.map((g) => g.platform));
    const byPlatform = platforms.size === group.length && !platforms.has(undefined);
    for (const g of group) out.set(g.id, `${name} (${byPlatform ? g.platform : g.id.slice(0, 8)})`);
  }
  return out;
}
