/** Small pieces of TypeScript syntax both TS emitters (codecs and descriptor) write. */
import { sanitizeComment } from './comment-text.js';

/** A single-quoted JS string literal. */
export function str(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A one-line JSDoc comment of user text, or nothing for no text. */
export function jsDoc(text: string | undefined, indent: string): string[] {
  if (!text) return [];
  return [`${indent}/** ${sanitizeComment(text)} */`];
}
