/** Thirteenth blind invented-system generator (work in progress). */
/** Reported seeds, fixed before anything else was written and never for tuning. */
export const REPORTED_SEEDS_V13: readonly number[] = [1701, 1702, 1703, 1704, 1705, 1706, 1707, 1708, 1709, 1710, 1711, 1712];
