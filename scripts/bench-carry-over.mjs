// The part of docs/benchmarks.md that belongs to packages without results in this checkout, so that
// bench-report.mjs can carry it over: bench-results/ is not committed, and one package's benchmarks
// may be run alone (some need Wine). A carried package keeps its sections word for word and its date
// of run, and its chart panels are read back from its tables, which bench-report.mjs wrote itself.

/**
 * From the previous report, the sections (`## ...` to the next one) of every package not in `fresh`,
 * each as `{ name, lines, charts }`, and each such package's date of run.
 */
export function carriedOver(markdown, fresh) {
  const sections = [];
  let section;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) {
      section = { name: undefined, lines: [] };
      sections.push(section);
    }
    if (!section) continue;
    section.lines.push(line);
    // A vitest file's section is headed by its path; a named-numbers section says where it is from.
    const owner = /^## `packages\/([^/`]+)\//.exec(line) ?? /^From `packages\/([^/`]+)\/bench-results\//.exec(line);
    if (owner && section.name === undefined) section.name = owner[1];
  }
  const carried = sections.filter((entry) => entry.name !== undefined && !fresh.has(entry.name));
  for (const entry of carried) {
    while (entry.lines.at(-1) === '') entry.lines.pop();
    entry.lines.push('');
    entry.charts = chartsOf(entry.lines);
  }
  const dates = new Map();
  const dateRow = /^\| Date of run \| (.*) \|$/m.exec(markdown);
  for (const part of dateRow?.[1].split(', ') ?? []) {
    const dated = /^(.*) \(([^)]+)\)$/.exec(part);
    if (dated && !fresh.has(dated[2])) dates.set(dated[2], dated[1]);
  }
  return { sections: carried, dates };
}

/** The chart panels of one section: each table with a `<things>/s` column and more than one row rated. */
function chartsOf(lines) {
  const file = /^## `([^`]+)`/.exec(lines[0]);
  const source = file?.[1] ?? /^From `([^`]+)`/m.exec(lines.join('\n'))?.[1] ?? '';
  let title = file ? '' : lines[0].slice(3);
  const charts = [];
  for (let index = 0; index < lines.length; index++) {
    if (file && lines[index].startsWith('### ')) title = lines[index].slice(4);
    if (!lines[index].startsWith('| ') || !lines[index + 1]?.startsWith('| ---')) continue;
    const columns = cells(lines[index]);
    // As bench-report.mjs picks them: a vitest group's `<things>/s`, a named-numbers table's first `.../s`.
    const rate = columns.findIndex((column) => (file ? /^\w+\/s$/ : /\/s\b/).test(column));
    const lost = columns.findIndex((column) => /^lost\b/.test(column));
    const rows = [];
    for (index += 2; lines[index]?.startsWith('| '); index++) {
      const row = cells(lines[index]);
      const value = number(row[rate]);
      if (rate < 0 || !(value > 0)) continue;
      rows.push({ name: row[0], rate: value, ...(lost >= 0 ? { lost: number(row[lost]), lostUnit: columns[lost].includes('%') ? '%' : '' } : {}) });
    }
    if (rows.length > 1) charts.push({ title, source, measure: columns[rate], rows });
  }
  return charts;
}

function cells(line) {
  return line.split('|').slice(1, -1).map((cell) => cell.trim());
}

function number(text) {
  return text === undefined ? NaN : Number(text.replaceAll(',', ''));
}
