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
