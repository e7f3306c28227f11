/**
 * Which call handlers Handlers.h declares and the user's Handlers.c does not define. After a call
 * is added to the schema, the regenerated Handlers.h declares Handle<Call> and DeviceTable.c calls
 * it, but Handlers.c is the user's and never rewritten: the driver then fails to link. `render`
 * warns at once (this textual scan); the driver check's link (link-check.ts) fails with the same
 * message.
 *
 * The scan is textual, on purpose simple: comments are removed, then Handlers.h's declarations
 * `NTSTATUS Handle<Call>(` name the handlers (codegen writes exactly that), and a handler counts
 * as defined when Handlers.c has its name, a parameter list and an opening brace
 * (`NTSTATUS HandleX(...)\n{`). A definition hidden by the preprocessor (`#if 0`) or produced by
 * a macro is not seen as such; the link check is the authority.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file the generator regenerates with one prototype per call. */
export const HANDLERS_HEADER = 'Handlers.h';
/** The user's file where the handlers are written. */
export const HANDLERS_SOURCE = 'Handlers.c';

export interface DeclaredHandler {
  /** The C function, `Handle<Call>`. */
  handler: string;
  /** The schema's call it serves. */
  call: string;
}

/** C text without its comments (string literals are left alone: neither file has braces in one). */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

/** The handlers a Handlers.h declares, in its order. */
export function declaredHandlers(headerText: string): DeclaredHandler[] {
  return [...withoutComments(headerText).matchAll(/\bNTSTATUS\s+(Handle(\w+))\s*\(/g)].map((match) => ({ handler: match[1]!, call: match[2]! }));
}

/** Whether C text defines the function: its name, a parameter list (one level of nested parentheses at most), then `{`. */
export function definesFunction(sourceText: string, name: string): boolean {
  return new RegExp(`\\b${name}\\s*\\((?:[^()]|\\([^()]*\\))*\\)\\s*\\{`).test(withoutComments(sourceText));
}

/**
 * What to tell the user about a handler Handlers.h declares and nothing defines. `handlersPath`
 * is Handlers.c's path as the user should read it (e.g. driver/Handlers.c).
 */
export function missingHandlerMessage(missing: DeclaredHandler, handlersPath: string): string {
  return `${missing.handler} is declared in ${HANDLERS_HEADER} (the ${missing.call} call of the schema) but not defined: add it to ${handlersPath} (see the README's 'Adding a call')`;
}

/**
 * The handlers a driver folder's Handlers.h declares and its Handlers.c does not define. A folder
 * without either file has none missing (nothing was rendered there yet).
 */
export function missingHandlers(directory: string): DeclaredHandler[] {
  const header = join(directory, HANDLERS_HEADER);
  const source = join(directory, HANDLERS_SOURCE);
  if (!existsSync(header) || !existsSync(source)) return [];
  const sourceText = readFileSync(source, 'utf8');
  return declaredHandlers(readFileSync(header, 'utf8')).filter((declared) => !definesFunction(sourceText, declared.handler));
}

/**
 * The warnings `render` prints after writing a driver folder: one per handler Handlers.c lacks.
 * `shownDirectory` is the folder as the user named it.
 */
export function missingHandlerWarnings(directory: string, shownDirectory: string): string[] {
  return missingHandlers(directory).map((missing) => `warning: ${missingHandlerMessage(missing, join(shownDirectory, HANDLERS_SOURCE))}`);
}
