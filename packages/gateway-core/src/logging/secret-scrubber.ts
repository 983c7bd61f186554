/**
 * Replaces known secret values (gateway token, password) in text. Secrets change at runtime
 * (config edits), so the set is mutable. Short values are ignored: they would scrub ordinary words.
 */
export class SecretScrubber {
  #secrets: string[] = [];

  set(secrets: Iterable<string | undefined>): void {
    this.#secrets = [
      ...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 8)),
    ];
  }

  add(secret: string | undefined): void {
    if (secret && secret.length >= 8 && !this.#secrets.includes(secret)) this.#secrets.push(secret);
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.#secrets) {
      if (out.includes(s)) out = out.split(s).join('[redacted]');
    }
    return out;
  }
}
