/**
 * The runtime every generated module imports from: a versioned subpath of the codec package that
 * exports exactly what generated code uses (see runtime-exports.test.ts).
 */
export const CODEC_RUNTIME_MODULE = '@inverted-call/codec/codegen-v1';

/** Collects the names a generated module uses from one runtime module and prints one sorted import. */
export class ImportTracker {
  private readonly values = new Set<string>();
  private readonly types = new Set<string>();

  constructor(private readonly from: string) {}

  use(name: string): void {
    this.values.add(name);
  }

  useType(name: string): void {
    this.types.add(name);
  }

  render(): string {
    const names = [...[...this.values].sort(), ...[...this.types].sort().map((name) => `type ${name}`)];
    if (names.length === 0) return '';
    return `import {\n${names.map((name) => `  ${name},`).join('\n')}\n} from '${this.from}';`;
  }
}
