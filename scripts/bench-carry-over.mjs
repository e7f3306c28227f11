// The part of docs/benchmarks.md whose results are not in this checkout, so that bench-report.mjs
// can carry it over: bench-results/ is not committed, and one package's benchmarks, or one
// benchmark of a package, may be run alone (some need Wine). A vitest section belongs to its
// package (a package's vitest run writes all of them at once); a named-numbers section belongs to
// the results file it names, so a package's Wine benchmark can be re-run without its others. A
// carried section keeps its words and its date of run, and its chart panels are read back from its
// tables, which bench-report.mjs wrote itself. A results file that is no longer written keeps its
// section until its package runs every benchmark again.

/**
 * From the previous report, the sections (`## ...` to the next one) whose results are not fresh,
 * each as `{ name, file, lines, charts }` (name: the package; file: the results file of a
 * named-numbers section, else undefined), and the dates of run that still describe them.
 * `fresh` holds the fresh results: `packages` with a fresh vitest report, `files` the display paths
 * of fresh named-numbers files.
 */
export function carriedOver(markdown, fresh) {
  const sections = [];
  let section;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) {
      section = { name: undefined, file: undefined, lines: [] };
      sections.push(section);
    }
    if (!section) continue;
    section.lines.push(line);
    // A vitest file's section is headed by its path; a named-numbers section says where it is from.
    const vitest = /^## `packages\/([^/`]+)\//.exec(line);
    const named = /^From `(packages\/([^/`]+)\/bench-results\/[^`]+)`/.exec(line);
    if (section.name !== undefined) continue;
    if (vitest) section.name = vitest[1];
    else if (named) [section.file, section.name] = [named[1], named[2]];
  }
  const carried = sections.filter((entry) => entry.name !== undefined && (entry.file === undefined ? !fresh.packages.has(entry.name) : !fresh.files.has(entry.file)));
  for (const entry of carried) {
    while (entry.lines.at(-1) === '') entry.lines.pop();
    entry.lines.push('');
    entry.charts = chartsOf(entry.lines);
  }
  // A date belongs to a package (`client`) or, when only some of its results were fresh, to one
  // results file (`wine-e2e/wine.verdicts`): it stays while a carried section is still its.
  const carriedPackages = new Set(carried.map((entry) => entry.name));
  const carriedFiles = new Set(carried.map((entry) => entry.file).filter((file) => file !== undefined));
  const dates = new Map();
  const dateRow = /^\| Date of run \| (.*) \|$/m.exec(markdown);
  for (const part of dateRow?.[1].split(', ') ?? []) {
    const dated = /^(.*) \(([^)]+)\)$/.exec(part);
    if (!dated) continue;
    const [packageName, stem] = dated[2].split('/');
    const stillCarried = stem === undefined ? carriedPackages.has(packageName) : carriedFiles.has(`packages/${packageName}/bench-results/${stem}.json`);
    if (stillCarried) dates.set(dated[2], dated[1]);
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
