/** The protocol structs laid out by the same engine as a device's structs. */
import { IssueList } from './errors.js';
import type { StructModel } from './model.js';
import { PROTOCOL_C_PREFIX, PROTOCOL_STRUCTS } from './protocol.js';
import { validateStructs } from './validate-types.js';

let cached: StructModel[] | undefined;

export function protocolModel(): StructModel[] {
  if (!cached) {
    const issues = new IssueList();
    cached = validateStructs(issues, PROTOCOL_STRUCTS, { cPrefix: PROTOCOL_C_PREFIX, pack: 8, enums: [], enumNames: new Set() });
    issues.throwIfAny('protocol structs');
  }
  return cached;
}
