/**
 * What the code generator writes code with. Safety rule: text from the YAML reaches emitted code
 * in exactly two ways, as a literal through `quote` or inside a `//` comment through `comment`.
 */

/** A JavaScript literal for a YAML value: the only way YAML text becomes code. */
export type Quotable = string | number | boolean | readonly Quotable[];

export function quote(value: Quotable): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** YAML text made safe for a `//` comment: no line terminator can end the comment early. */
export function comment(text: string): string {
  return '// ' + text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

export const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function property(base: string, name: string): string {
  return IDENTIFIER.test(name) ? `${base}.${name}` : `${base}[${quote(name)}]`;
}

export function camelCase(id: string): string {
  return id.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export class Emitter {
  private readonly lines: string[] = [];
  constructor(private depth = 0) {}
  private readonly constants: string[] = [];

  line(text = ''): void {
    this.lines.push(text === '' ? '' : '  '.repeat(this.depth) + text);
  }

  block(open: string, body: () => void, close = '}'): void {
    this.line(open);
    this.depth++;
    body();
    this.depth--;
    this.line(close);
  }

  /**
   * A module-level constant (a Set or Map built once). Its name is minted from the row id,
   * which the schema limits to `[a-z][a-z0-9_]*`, plus a suffix: `eventTypeTable`.
   */
  hoist(rowId: string, suffix: string, initializer: string): string {
    const base = camelCase(rowId) + suffix;
    const taken = this.constants.filter((line) => line.startsWith(`const ${base}`)).length;
    const name = taken ? `${base}${taken + 1}` : base;
    this.constants.push(`const ${name} = ${initializer};`);
    return name;
  }

  hoisted(): string[] {
    return this.constants;
  }

  text(): string {
    return this.lines.join('\n');
  }
}
