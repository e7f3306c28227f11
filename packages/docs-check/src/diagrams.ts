/**
 * A line-by-line check of Mermaid diagrams, since rendering them needs a browser: the diagram type
 * is known, and in a sequence diagram every line is a statement Mermaid accepts, blocks are
 * balanced, message text has no `;` (Mermaid's statement separator), and every actor a message or
 * note names was declared (Mermaid silently invents a new participant for a misspelt name).
 */

const DIAGRAM_TYPES = /^(sequenceDiagram|flowchart|graph|classDiagram|stateDiagram(-v2)?|erDiagram|gantt|pie|journey|gitGraph|mindmap|timeline|xychart-beta|quadrantChart)\b/;
const ARROW = '(?:<<-->>|<<->>|-->>|->>|-->|->|--x|-x|--\\)|-\\))';
const MESSAGE = new RegExp(`^(.+?)\\s*${ARROW}\\s*[+-]?\\s*(.+?)\\s*:(.*)$`);
const PARTICIPANT = /^(?:create\s+)?(participant|actor)\s+(\S+?)(?:\s+as\s+(.+))?$/;
const NOTE = /^note\s+(?:left of|right of|over)\s+([^:]+?)\s*:(.*)$/i;
const OPENERS = new Set(['alt', 'opt', 'loop', 'par', 'critical', 'break', 'rect', 'box']);
const MIDDLES: Record<string, string> = { else: 'alt', and: 'par', option: 'critical' };

/** Problems of one diagram, each with its line within the block (1-based). */
export function checkMermaid(code: string): string[] {
  const lines = code.split('\n');
  const first = lines.findIndex((line) => line.trim() !== '' && !line.trim().startsWith('%%'));
  if (first === -1) return ['empty diagram'];
  const type = DIAGRAM_TYPES.exec(lines[first]!.trim());
  if (!type) return [`line ${first + 1}: unknown diagram type "${lines[first]!.trim()}"`];
  if (type[1] !== 'sequenceDiagram') return [];

  const problems: string[] = [];
  const declared = new Set<string>();
  const used: { name: string; line: number }[] = [];
  const blocks: { keyword: string; line: number }[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const at = `line ${index + 1}`;
    if (index <= first || line === '' || line.startsWith('%%')) return;
    const keyword = line.split(/\s+/)[0]!;
    const participant = PARTICIPANT.exec(line);
    const note = NOTE.exec(line);
    const message = MESSAGE.exec(line);
    let text: string | undefined;
    if (participant) declared.add(participant[2]!);
    else if (line === 'autonumber' || /^autonumber\s+\d+(\s+\d+)?$/.test(line)) return;
    else if (/^(activate|deactivate|destroy)\s+\S+$/.test(line)) used.push({ name: line.split(/\s+/)[1]!, line: index + 1 });
    else if (note) {
      for (const name of note[1]!.split(',')) used.push({ name: name.trim(), line: index + 1 });
      text = note[2];
    } else if (OPENERS.has(keyword)) {
      blocks.push({ keyword, line: index + 1 });
      text = line.slice(keyword.length);
    } else if (keyword in MIDDLES) {
      if (blocks.at(-1)?.keyword !== MIDDLES[keyword]) problems.push(`${at}: "${keyword}" outside an "${MIDDLES[keyword]}" block`);
      text = line.slice(keyword.length);
    } else if (line === 'end') {
      if (!blocks.pop()) problems.push(`${at}: "end" without an open block`);
    } else if (message) {
      used.push({ name: message[1]!.trim(), line: index + 1 }, { name: message[2]!.trim(), line: index + 1 });
      text = message[3];
      if (text!.trim() === '') problems.push(`${at}: a message without text`);
    } else problems.push(`${at}: not a sequence diagram statement: "${line}"`);
    if (text !== undefined && /[;#]/.test(text)) problems.push(`${at}: ";" and "#" break Mermaid text: "${text.trim()}"`);
  });
  for (const block of blocks) problems.push(`line ${block.line}: "${block.keyword}" is never closed with "end"`);
  if (declared.size > 0) {
    for (const { name, line } of used) if (!declared.has(name)) problems.push(`line ${line}: "${name}" is not a declared participant (declared: ${[...declared].join(', ')})`);
  }
  return problems;
}
