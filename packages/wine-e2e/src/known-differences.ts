/**
 * Conformance scenarios that the real driver under Wine is known to fail, each with the reason.
 * Data in one place, not conditions in scenarios: such a scenario still runs and must fail; if it
 * starts passing, the run fails until the entry is removed.
 */
export const WINE_KNOWN_DIFFERENCES: Record<string, string> = {};
