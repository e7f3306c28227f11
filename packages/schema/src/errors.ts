/** One thing wrong with a schema: where (a dotted path), what, and how to fix it. */
export interface SchemaIssue {
  /** e.g. `structs.ProcessEvent.fields[3].type`; empty for the document itself. */
  path: string;
  message: string;
  fix: string;
}

/** Thrown when a schema cannot be used. `issues` lists every problem found, in document order. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly issues: readonly SchemaIssue[];
  readonly source: string | undefined;

  constructor(issues: readonly SchemaIssue[], source?: string) {
    super(formatIssues(issues, source));
    this.issues = issues;
    this.source = source;
  }
}

function formatIssues(issues: readonly SchemaIssue[], source: string | undefined): string {
  const where = source ? `${source}: ` : '';
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => `  ${issue.path || '(document)'}: ${issue.message}\n    fix: ${issue.fix}`);
  return `${where}invalid device schema, ${count}:\n${lines.join('\n')}`;
}

/** Collects issues while a schema is walked, so one run reports everything at once. */
export class IssueList {
  readonly issues: SchemaIssue[] = [];

  add(path: string, message: string, fix: string): void {
    this.issues.push({ path, message, fix });
  }

  get isEmpty(): boolean {
    return this.issues.length === 0;
  }

  throwIfAny(source?: string): void {
    if (!this.isEmpty) throw new SchemaError(this.issues, source);
  }
}

/** Appends a key to a dotted path, quoting keys that are not plain identifiers. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const part = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  return base ? `${base}.${part}` : part;
}

/** The closest candidate by edit distance, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}
