/**
 * A syntax check of the SDDL strings a control device accepts (a DACL of allow/deny ACEs), so a
 * typo is caught when the schema is read rather than when the driver fails to create its device.
 */

/** SYSTEM and built-in Administrators get all access; nobody else gets any. */
export const DEFAULT_SDDL = 'D:P(A;;GA;;;SY)(A;;GA;;;BA)';

const RIGHTS = /^(0x[0-9A-Fa-f]+|(GA|GR|GW|GX|FA|FR|FW|FX|RC|SD|WD|WO|RP|WP|CC|DC|LC|SW|LO|DT|CR)+)$/;
const SID = /^(SY|BA|BU|BG|WD|AU|LS|NS|IU|SU|RC|AN|PU|AO|SO|CO|CG|S-1(-[0-9]+)+)$/;

export function checkSddl(text: string): { message: string; fix: string } | undefined {
  const fix = `write a DACL such as "${DEFAULT_SDDL}" (SYSTEM and Administrators only), adding (A;;GRGW;;;SID) entries for other accounts`;
  const match = /^D:(P?(?:AI|AR)*)((?:\([^()]*\))+)$/.exec(text);
  if (!match) return { message: `SDDL "${text}" is not a DACL of the form D:P(ace)(ace)...`, fix };
  for (const ace of match[2]!.slice(1, -1).split(')(')) {
    const parts = ace.split(';');
    if (parts.length !== 6) return { message: `SDDL entry "(${ace})" does not have six ;-separated parts`, fix };
    const [type, , rights, objectGuid, inheritGuid, sid] = parts as [string, string, string, string, string, string];
    if (type !== 'A' && type !== 'D') return { message: `SDDL entry "(${ace})" has type "${type}"; a device DACL uses A (allow) or D (deny)`, fix };
    if (!RIGHTS.test(rights)) return { message: `SDDL entry "(${ace})" has unknown rights "${rights}"`, fix: 'use GA (all), GR (read), GW (write), GX (execute), their combinations such as GRGW, or a 0x mask' };
    if (objectGuid !== '' || inheritGuid !== '') return { message: `SDDL entry "(${ace})" has object GUIDs, which device objects do not use`, fix };
    if (!SID.test(sid)) return { message: `SDDL entry "(${ace})" names an unknown account "${sid}"`, fix: 'use a SID string such as S-1-5-18 or an alias such as SY, BA, BU, AU, LS, NS, WD' };
  }
  return undefined;
}
