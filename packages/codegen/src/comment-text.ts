/**
 * The one rule for putting user text (a schema's descriptions) inside a C or TypeScript block
 * comment: a `*` `/` pair would end the comment early and turn the rest into code, and a line
 * break would split a comment the emitters lay out on one line (a struct field's trailing C
 * comment, a one-line JSDoc), so both are defused. Every emitter that writes description text
 * into a comment (C header, TS module, driver sources) goes through this function.
 */
export function sanitizeComment(text: string): string {
  return text.replace(/\*\//g, '* /').replace(/[\r\n]+/g, ' ');
}
