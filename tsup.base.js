// Shared tsup settings: every package ships ESM + CJS + type declarations.
/** @type {import('tsup').Options} */
export const baseConfig = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
};

/**
 * A script Windows node.exe runs under Wine: bundled into one file with everything of ours inside
 * (Wine does not follow pnpm's symlinks the way Linux does); koffi stays outside and is found
 * through NODE_PATH (see @inverted-call/wine-bed). ESM unless `overrides` says otherwise.
 * @param {Record<string, string>} entry
 * @param {import('tsup').Options} [overrides]
 * @returns {import('tsup').Options}
 */
export function windowsScriptConfig(entry, overrides = {}) {
  return {
    entry,
    outDir: 'dist-windows',
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    platform: 'node',
    target: 'node20',
    bundle: true,
    noExternal: [/^@inverted-call\//],
    external: ['koffi'],
    splitting: false,
    sourcemap: true,
    clean: true,
    dts: false,
    // node:test has no bare-name form: keep the node: prefix on every builtin.
    removeNodeProtocol: false,
    ...overrides,
  };
}
