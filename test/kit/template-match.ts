/**
 * Reading a true template (Loghub style, variables as `<*>`) as a pattern, to
 * check that generated lines are rendered from their templates.
 */

/**
 * The template as a regular expression, `<*>` read as a non-empty wildcard
 * (`emptyVariables`: one that may also be empty, for a generator whose truth
 * has fields that are sometimes empty).
 */
export function templatePattern(template: string, emptyVariables = false): RegExp {
  const parts = template.split('<*>').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join(emptyVariables ? '(.*)' : '(.+)')}$`, 's');
}

/** The lines of `content` that do not match their template in `truth` (same index). */
export function linesNotMatchingTruth(content: readonly string[], truth: readonly string[], emptyVariables = false): string[] {
  const patterns = new Map<string, RegExp>();
  return content.filter((line, i) => {
    const t = truth[i];
    const p = patterns.get(t) ?? patterns.set(t, templatePattern(t, emptyVariables)).get(t)!;
    return !p.test(line);
  });
}
