import type { Options } from 'tsup';
export declare const baseConfig: Options;
