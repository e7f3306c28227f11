import type { GeneratedFile } from '@inverted-call/codegen';

export declare const EXAMPLE_DIR: string;
export declare function renderGolden(dir?: string): GeneratedFile[];
export declare function staleGolden(dir?: string): string[];
