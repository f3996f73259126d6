/**
 * Held-out invented systems, fifteenth generation (--synthetic-v15 of
 * bench/template-mining.ts). Written blind; see the header to come.
 *
 * REPORTED_SEEDS_V15 (1901-1912) are fixed here before anything else is
 * written (before the generator can be run at all). Never tune on them.
 */

/** Reported seeds, fixed before anything else was written and never for tuning. */
export const REPORTED_SEEDS_V15: readonly number[] = [1901, 1902, 1903, 1904, 1905, 1906, 1907, 1908, 1909, 1910, 1911, 1912];
