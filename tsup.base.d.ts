import type { Options } from 'tsup';
export declare const baseConfig: Options;
export declare function windowsScriptConfig(entry: Record<string, string>, overrides?: Options): Options;
