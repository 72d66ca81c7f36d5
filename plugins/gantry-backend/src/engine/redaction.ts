/** Replaces every secret value with *** wherever text is shown or stored. */
export class Redactor {
  private readonly values = new Set<string>();

  add(value: string): void {
    // very short values would redact ordinary text; secrets are longer
    if (value.length >= 3) this.values.add(value);
  }

  get size(): number {
    return this.values.size;
  }

  redact(text: string): string {
    let out = text;
    // longest first, so a secret containing another is redacted whole
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      out = out.split(value).join('***');
    }
    return out;
  }

  /** Redacts every string inside a JSON-like value. */
  redactValue<T>(value: T): T {
    if (this.values.size === 0) return value;
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map(v => this.redactValue(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, this.redactValue(v)]),
      ) as T;
    }
    return value;
  }
}
