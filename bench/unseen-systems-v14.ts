/** Fourteenth blind invented-system generator (work in progress). */
/** Reported seeds, fixed before anything else was written and never for tuning. */
export const REPORTED_SEEDS_V14: readonly number[] = [1801, 1802, 1803, 1804, 1805, 1806, 1807, 1808, 1809, 1810, 1811, 1812];
