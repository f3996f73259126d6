import type { LogBatch } from '../pipeline/batch';

/**
 * Record indices of a batch grouped by resource index, then scope index, in
 * order of first appearance (the ResourceLogs / ScopeLogs nesting of OTLP).
 */
export function groupByResourceAndScope(b: LogBatch): Map<number, Map<number, number[]>> {
  const groups = new Map<number, Map<number, number[]>>();
  for (let i = 0; i < b.length; i++) {
    let scopes = groups.get(b.resourceIndex[i]);
    if (!scopes) groups.set(b.resourceIndex[i], (scopes = new Map()));
    let records = scopes.get(b.scopeIndex[i]);
    if (!records) scopes.set(b.scopeIndex[i], (records = []));
    records.push(i);
  }
  return groups;
}
