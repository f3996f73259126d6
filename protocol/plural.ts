/**
 * "1 record", "2 records": a count with its noun in the right number, for
 * messages of the CLI and the collector (the console's browser code has its
 * own copy in console/src/dom.ts: it is bundled separately).
 */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
