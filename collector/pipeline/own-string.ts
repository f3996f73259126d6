/**
 * Strings kept beyond a batch (per-key samples, per-interval names) must not keep
 * what they were cut from alive: V8 makes a substring of 13 or more characters a
 * slice that references its whole parent (a mined argument keeps its body, a parsed
 * path its access-log line). These helpers copy only what is kept.
 */

/** Shorter substrings are always copies in V8 (SlicedString::kMinLength); longer ones may keep their parent alive. */
export const MIN_SLICE_LENGTH = 13;

/** A copy of `s` that keeps no parent alive (flattening the concatenation copies the characters); `s` itself when it cannot be a slice. */
export function ownCopy(s: string): string {
  return s.length < MIN_SLICE_LENGTH ? s : (' ' + s).slice(1);
}
