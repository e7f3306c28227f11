// The shape of an invalid-schema case and the helpers the case tables share.
import { baseSchema, type Doc } from './schemas.js';

export interface InvalidCase {
  name: string;
  /** The exact path of the one issue expected. */
  path: string;
  /** A word or phrase the fix must contain, so the fix is specific rather than generic. */
  fix: string;
  /** Optionally, a phrase the message must contain. */
  message?: string;
  /** Also refused by the published JSON Schema (a problem of shape, not of meaning). */
  structural?: boolean;
  /** Mutates a clone of the base schema... */
  mutate?: (doc: Doc) => void;
  /** ...or gives raw text, for problems only the parser sees (duplicate keys, syntax). */
  text?: () => string;
  /** File name handed to the parser; decides JSON or YAML. */
  source?: string;
}

export const fields = (doc: Doc, struct: string): Doc[] => doc.structs[struct].fields;
export const call = (doc: Doc): Doc => doc.calls.GetVersion;
export const channel = (doc: Doc): Doc => doc.channels.Process;
export const baseText = (): string => JSON.stringify(baseSchema(), null, 2);

/** Adds a struct with one field of the given type, so a type problem is isolated from the base's structs. */
export function withFieldType(type: string) {
  return (doc: Doc) => {
    doc.structs.Probe = { fields: [{ name: 'value', type }] };
  };
}
export const PROBE_TYPE = 'structs.Probe.fields[0].type';
