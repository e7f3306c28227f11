/** How the demo writes numbers: thousands separated, milliseconds with a decimal when small. */

export const n = (value: number | bigint): string => value.toLocaleString('en-US');

/** Milliseconds: two decimals below 1, one below 10, whole above. */
export function ms(value: number): string {
  return value < 1 ? `${value.toFixed(2)} ms` : value < 10 ? `${value.toFixed(1)} ms` : `${n(Math.round(value))} ms`;
}
