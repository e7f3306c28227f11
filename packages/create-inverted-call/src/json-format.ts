/**
 * JSON laid out for people, like the hand-written schemas of this repository: an object or array
 * whose members are all plain values stays on one line when that line fits, so a struct's
 * fields read as one field per line. Parsing it gives exactly what JSON.stringify would.
 */
const LINE_WIDTH = 120;

const isPlain = (value: unknown) => value === null || typeof value !== 'object';

export function formatJson(value: unknown): string {
  return `${format(value, '', 0)}\n`;
}

/** `value` laid out at `indent`, with `lead` characters before it on its first line. */
function format(value: unknown, indent: string, lead: number): string {
  if (isPlain(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  const entries: [key: string | undefined, member: unknown][] = Array.isArray(value)
    ? value.map((member) => [undefined, member])
    : Object.entries(value as Record<string, unknown>);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return `${open}${close}`;
  const keyText = (key: string | undefined) => (key === undefined ? '' : `${JSON.stringify(key)}: `);
  if (entries.every(([, item]) => isPlain(item))) {
    const line = `${open} ${entries.map(([key, item]) => `${keyText(key)}${JSON.stringify(item)}`).join(', ')} ${close}`;
    // + 1 for the comma that may follow.
    if (lead + line.length + 1 <= LINE_WIDTH) return line;
  }
  const members = entries.map(([key, item]) => `${inner}${keyText(key)}${format(item, inner, inner.length + keyText(key).length)}`);
  return `${open}\n${members.join(',\n')}\n${indent}${close}`;
}
