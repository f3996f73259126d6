/**
 * Merges a user's YAML value over a component's default config, collecting every
 * problem instead of stopping at the first (like otelcol's strict unmarshalling):
 * unknown keys and type mismatches are reported with their full path.
 *
 * Rules: objects merge key by key; arrays and scalars replace; a null/absent user
 * value keeps the default; a default of null/undefined accepts any user value
 * (the component validates it); numbers given as strings are NOT coerced except
 * where the default is a string (durations like "5s" may be numbers too).
 */
export function mergeConfig(defaults: unknown, user: unknown, path: string, errors: string[]): unknown {
  if (user === undefined || user === null) return clone(defaults);
  if (defaults === undefined || defaults === null) return user;
  if (isPlainObject(defaults)) {
    if (!isPlainObject(user)) {
      errors.push(`${path}: expected a mapping, got ${describe(user)}`);
      return clone(defaults);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(defaults)) out[k] = clone(v);
    for (const [k, v] of Object.entries(user)) {
      if (!(k in defaults)) {
        errors.push(`${path}.${k}: unknown key (valid keys: ${Object.keys(defaults).join(', ') || 'none'})`);
        continue;
      }
      out[k] = mergeConfig((defaults as Record<string, unknown>)[k], v, `${path}.${k}`, errors);
    }
    return out;
  }
  if (Array.isArray(defaults)) {
    if (!Array.isArray(user)) errors.push(`${path}: expected a list, got ${describe(user)}`);
    return Array.isArray(user) ? user : clone(defaults);
  }
  if (typeof defaults === 'string') {
    // Strings in defaults are durations, sizes, endpoints, names: numbers are acceptable spellings.
    if (typeof user === 'string' || typeof user === 'number') return user;
    errors.push(`${path}: expected a string, got ${describe(user)}`);
    return defaults;
  }
  if (typeof defaults === 'number') {
    if (typeof user === 'number') return user;
    if (typeof user === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(user)) return Number(user);
    // Durations/sizes whose default is a number of ms/bytes may be written as "5s"/"4MiB".
    if (typeof user === 'string' && /^\s*\d+(\.\d+)?\s*[A-Za-z]+\s*$/.test(user)) return user;
    errors.push(`${path}: expected a number, got ${describe(user)}`);
    return defaults;
  }
  if (typeof defaults === 'boolean') {
    if (typeof user === 'boolean') return user;
    errors.push(`${path}: expected true or false, got ${describe(user)}`);
    return defaults;
  }
  return user;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isPlainObject(v)) return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
