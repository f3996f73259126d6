/**
 * Variable detection for single words ("masking" before any clustering).
 *
 * A word here is a maximal run of characters that are neither whitespace nor
 * a delimiter (see tokenizer.ts). These rules are deliberately generic — they
 * describe value shapes common to all software logs, never one data set:
 *
 * - numbers, signed, with decimals or dotted groups: 42, -17, 0.0239, 10.1.2.3, 6.1.26
 * - a number with a short unit suffix: 10000ms, 5s, 64KB, 50%
 * - hexadecimal: 0x1f, or a bare hex string of 6+ characters holding a digit (7317849d)
 * - identifiers with a purely numeric segment (segments split on - _ . :):
 *   blk_-1608999687919862906, job_1445144423722_0020, rdd_2_1, mesos-slave-07
 * - a hex-with-digit segment of 8+ characters (UUIDs, hashes glued to names)
 * - any run of 5+ digits (epoch millis glued to a word)
 * - a name glued to a number of 3+ digits (conn417, worker2031, rack1204): a
 *   counter or id with its prefix, one value (Loghub-2.0 convention); names
 *   with one or two digits (eth0, ssh2, log4j) are left to the miner
 * - the literals true / false / null (values, never message text)
 * - host names: dotted labels ending in a top-level domain (ns1.example.com)
 * - any of these closed by '>' when the line opened the bracket earlier
 *   ("<memory:1024, vCores:-17>": the word is "-17>"; '<' and '>' are not
 *   delimiters because they also compare and point)
 *
 * Words made of letters only are never masked: whether they are constant is
 * learned by the miner from how they vary.
 */

const KEYWORD_VALUES = new Set(['true', 'false', 'null', 'True', 'False', 'TRUE', 'FALSE', 'NULL']);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHexLetter(c: number): boolean {
  return (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}
function isSegmentSeparator(c: number): boolean {
  return c === 0x2d /* - */ || c === 0x5f /* _ */ || c === 0x2e /* . */ || c === 0x3a /* : */;
}

/**
 * [+-<>~]?\d+(\.\d+)*(unit{1,3})? — plain numbers, dotted numbers (IPv4,
 * versions), numbers with a unit, bounds and estimates (<1, >500, ~3).
 */
function isNumberLike(w: string): boolean {
  const n = w.length;
  let i = 0;
  const first = w.charCodeAt(0);
  if (first === 0x2b || first === 0x2d || first === 0x3c || first === 0x3e || first === 0x7e) i = 1;
  if (i >= n || !isDigit(w.charCodeAt(i))) return false;
  while (i < n) {
    const c = w.charCodeAt(i);
    if (isDigit(c)) {
      i++;
      continue;
    }
    if (c === 0x2e && i + 1 < n && isDigit(w.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    break;
  }
  if (i === n) return true;
  // unit suffix: 1-3 letters or %
  const unitLength = n - i;
  if (unitLength > 3) return false;
  for (; i < n; i++) {
    const c = w.charCodeAt(i);
    if (!isLetter(c) && c !== 0x25 /* % */) return false;
  }
  return true;
}

/**
 * isVariableWord for a word of letters only (the tokenizer's plain words): no digit and no
 * dot, so only a keyword value (true, NULL) can be one; skips the scan of every character.
 */
export function isPlainWordVariable(w: string, maskKeywords: boolean): boolean {
  if (!maskKeywords || w.length < 4 || w.length > 5) return false;
  const first = w.charCodeAt(0) | 0x20; // t, f or n: the set's look-up hashes a new word, this test does not
  return (first === 0x74 || first === 0x66 || first === 0x6e) && KEYWORD_VALUES.has(w);
}

/**
 * True when the word is a value by its shape alone (see the module comment).
 * `maskKeywords` controls the true/false/null rule.
 */
export function isVariableWord(w: string, maskKeywords: boolean): boolean {
  const n = w.length;
  let digits = 0;
  let longestDigitRun = 0;
  let run = 0;
  let allHex = true;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = w.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      run++;
      if (run > longestDigitRun) longestDigitRun = run;
    } else {
      run = 0;
      if (!isHexLetter(c)) {
        allHex = false;
        if (c === 0x2e) dots++;
      }
    }
  }
  if (digits === 0) return dots > 0 ? isHostName(w) : isPlainWordVariable(w, maskKeywords);
  if (w.charCodeAt(0) === 0x25 /* % */ && MESSAGE_MNEMONIC.test(w)) return false;
  if (n > 1 && w.charCodeAt(n - 1) === 0x3e /* > */ && w.charCodeAt(0) !== 0x3c /* < */) {
    // the word without the '>'s closing it (vCores:-17>), all at once: one call per '>' was a call
    // stack as deep as the word ("1>>>…>" overflowed it) and O(n²). The checks above cannot tell
    // the shorter words apart: digits are the same, and a mnemonic ends with no '>'
    let e = n - 1;
    while (e > 1 && w.charCodeAt(e - 1) === 0x3e) e--;
    return isVariableWord(w.slice(0, e), maskKeywords);
  }
  if (longestDigitRun >= 5) return true;
  if (isNumberLike(w)) return true;
  if (longestDigitRun >= 3 && isPrefixedNumber(w)) return true;
  if (allHex && n >= 6) return true;
  if (n > 2 && w.charCodeAt(0) === 0x30 && (w.charCodeAt(1) | 0x20) === 0x78 /* 0x */) {
    let hex = true;
    for (let i = 2; i < n && hex; i++) {
      const c = w.charCodeAt(i);
      hex = isDigit(c) || isHexLetter(c);
    }
    if (hex) return true;
  }
  // segments split on - _ . :
  let segStart = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && !isSegmentSeparator(w.charCodeAt(i))) continue;
    const len = i - segStart;
    if (len > 0) {
      let segDigits = 0;
      let segHex = true;
      for (let k = segStart; k < i; k++) {
        const c = w.charCodeAt(k);
        if (isDigit(c)) segDigits++;
        else if (!isHexLetter(c)) segHex = false;
      }
      if (segDigits === len) return true;
      if (segHex && segDigits > 0 && len >= 8) return true;
    }
    segStart = i + 1;
  }
  return dots > 0 && isHostName(w); // node-7b.corp.example.com
}

/**
 * A device message's mnemonic, `%FACILITY-SEVERITY-MNEMONIC` (%LINK-3-UPDOWN,
 * %SW_MATM-4-MACFLAP_NOTIF, %ASA-6-302013): the name of the event, its one-digit
 * severity included, not data.
 */
const MESSAGE_MNEMONIC = /^%[A-Z][A-Z0-9_]*-[0-7]-[A-Z0-9_]+$/;

/** Letters then digits and nothing else: conn417. */
function isPrefixedNumber(w: string): boolean {
  let k = 0;
  while (k < w.length && isLetter(w.charCodeAt(k))) k++;
  if (k === 0 || k === w.length) return false;
  for (let i = k; i < w.length; i++) if (!isDigit(w.charCodeAt(i))) return false;
  return true;
}

/** True when the word contains an ASCII digit. */
export function hasDigit(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (isDigit(w.charCodeAt(i))) return true;
  return false;
}

/**
 * Word shapes that name a program's own constants rather than data, so that a
 * handful of them at one position are separate events, not values of one:
 *
 * - enum constants: upper case with optional digits/underscores (RUNNING, SCREEN_ON, TLS);
 * - code identifiers: camelCase (onReceive), dotted names that are not host
 *   names (mapred.task.id, org.apache.Foo);
 * - inflected verbs: lower-case words ending in -ed or -ing (opened, draining): what
 *   happened, not to whom.
 *
 * Names of people, hosts and jobs are typed by people and seldom have these
 * shapes; they stay open sets and generalise after a few values. Words joined
 * by `_` (Seek_Error_Rate, ypproc_match, orders_2024) are not among them: in a
 * slot of their own they are mostly data (attributes, tables, procedures), as
 * the invented systems of every generator author keep them.
 */
export function isClosedSetWord(w: string): boolean {
  const n = w.length;
  if (n < 2) return false;
  let upper = 0;
  let lower = 0;
  let other = 0;
  let innerCapital = false;
  let dotBetweenLetters = false;
  for (let i = 0; i < n; i++) {
    const c = w.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      upper++;
      if (i > 0 && isLowerCode(w.charCodeAt(i - 1))) innerCapital = true;
    } else if (c >= 97 && c <= 122) lower++;
    else {
      other++;
      if (c === 0x2e && i > 0 && i + 1 < n && isLetter(w.charCodeAt(i - 1)) && isLetter(w.charCodeAt(i + 1))) dotBetweenLetters = true;
    }
  }
  if (upper >= 2 && lower === 0) return true;
  if (innerCapital) return true;
  if (dotBetweenLetters && !isDnsName(w)) return true; // a.b.c: a configuration key or a package name
  return isInflectedVerb(w); // what happened, not to whom (opened, draining)
}

/** A word of letters, lower case after an optional capital, ending in -ed or -ing (drained, Aborted, draining). */
export function isInflectedVerb(w: string): boolean {
  const n = w.length;
  if (n < 5 || !(w.endsWith('ed') || w.endsWith('ing'))) return false;
  const first = w.charCodeAt(0);
  if (!isLowerCode(first) && !(first >= 65 && first <= 90)) return false;
  for (let i = 1; i < n; i++) if (!isLowerCode(w.charCodeAt(i))) return false;
  return true;
}

/**
 * Letters only, lower case after an optional capital (`default`, `Default`, `current`):
 * a word as a program writes its own (a field's key, a keyword), not a name's shape.
 */
export function isPlainWord(w: string): boolean {
  return /^[A-Za-z][a-z]+$/.test(w);
}

function isLowerCode(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** An ASCII capital letter. */
export function isUpperCode(c: number): boolean {
  return c >= 65 && c <= 90;
}

/**
 * Generic top-level domains, private-network suffixes and the most common
 * country codes — not the two-letter ones that are also words or key
 * suffixes (id, is, in, it, to, no …).
 */
const TOP_LEVEL_DOMAINS = new Set([
  'com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'io', 'info', 'biz', 'local', 'lan', 'internal', 'localdomain',
  'uk', 'de', 'cn', 'jp', 'fr', 'ru', 'br', 'au', 'nl', 'es', 'ca', 'ch', 'se', 'pl', 'kr', 'hk', 'tw', 'mx', 'cz', 'eu',
]);

/**
 * A host name: dotted labels ending in a top-level domain (ns1.example.com,
 * db.corp.example.de). DNS names are data; other dotted words
 * (mapred.task.id, org.apache.Foo) are identifiers.
 */
function isDnsName(w: string): boolean {
  const dot = w.lastIndexOf('.');
  return dot > 0 && TOP_LEVEL_DOMAINS.has(w.slice(dot + 1).toLowerCase());
}

/**
 * A well-formed host name (isDnsName, and every label letters, digits or
 * inner hyphens): data on first sight, so the first line of an event that
 * names a host already gets the template later lines have. Host names with
 * digits are masked by the number rules anyway.
 */
function isHostName(w: string): boolean {
  if (w.length < 4 || !isDnsName(w)) return false;
  let labelLength = 0;
  for (let i = 0; i <= w.length; i++) {
    const c = i < w.length ? w.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (labelLength === 0 || w.charCodeAt(i - 1) === 0x2d) return false;
      labelLength = 0;
    } else if (isLetter(c) || isDigit(c) || (c === 0x2d && labelLength > 0)) labelLength++;
    else return false;
  }
  return true;
}

/**
 * A name with a short version or index suffix (eth0, proto2, ssh2, v10): it
 * has a digit, but like a plain word it is usually one of a few fixed names,
 * so it needs as many distinct values as a plain word to generalise.
 */
export function isVersionedName(w: string): boolean {
  const n = w.length;
  let k = n;
  while (k > 0 && isDigit(w.charCodeAt(k - 1))) k--;
  if (k === n || n - k > 2 || k < 1) return false;
  for (let i = 0; i < k; i++) if (!isLetter(w.charCodeAt(i))) return false;
  return true;
}

const CALENDAR_WORDS = new Set(
  [
    'jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
    'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
    'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
    'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  ],
);

/** First letters of the calendar words, either case (most words are rejected on their first letter). */
const CALENDAR_INITIAL = new Uint8Array(128);
for (const w of CALENDAR_WORDS) {
  CALENDAR_INITIAL[w.charCodeAt(0)] = 1;
  CALENDAR_INITIAL[w.toUpperCase().charCodeAt(0)] = 1;
}

/**
 * Month and weekday names (English, any case). They are pieces of a date —
 * variables — when they stand next to a number; the tokenizer decides that.
 * A closed set of calendar words is universal, not any system's vocabulary.
 */
export function isCalendarWord(w: string): boolean {
  const first = w.charCodeAt(0);
  if (w.length < 3 || w.length > 9 || first > 0x7f || !CALENDAR_INITIAL[first]) return false;
  // lower-case words are looked up as they are: toLowerCase() would copy every word tried
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 65 && c <= 90) return CALENDAR_WORDS.has(w.toLowerCase());
  }
  return CALENDAR_WORDS.has(w);
}

/** How a constant word counts toward generalising its position (see TemplateMiner). */
export const enum WordKind {
  /** Has a digit (not a versioned name): ids, host names with numbers; or dotted lower-case names (isDottedLowerName). */
  Digit = 0,
  /** isClosedSetWord: one of a program's own constants. */
  Closed = 1,
  /** Anything else: plain words, versioned names. */
  Plain = 2,
}

/**
 * An upper-case name with one or two digits inside (L2CAP, X509, H264, UTF8X): letters first, at most
 * MAX_CODE_NAME characters, a letter beyond F among them (A1B2C3 and EC2 read as hex data, not names).
 */
function isUpperCaseCodeName(w: string): boolean {
  const n = w.length;
  if (n < 3 || n > MAX_CODE_NAME || !isUpperCode(w.charCodeAt(0))) return false;
  let digits = 0;
  let beyondHex = false;
  for (let i = 0; i < n; i++) {
    const c = w.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (!isUpperCode(c)) return false;
    else if (c > 0x46 /* F */) beyondHex = true;
  }
  return digits >= 1 && digits <= 2 && n - digits >= 2 && beyondHex;
}

/** Longest upper-case code name (isUpperCaseCodeName). */
const MAX_CODE_NAME = 8;

/** An upper-case protocol name and its version, as the tokenizer keeps it in one word (protocolVersionEnd). */
const PROTOCOL_VERSION = /^[A-Z]{2,}\/\d{1,2}(?:\.\d{1,2}){0,2}$/;

/**
 * `dottedNamesAsValues`: a dotted lower-case name counts as data (isDottedLowerName).
 * Sibling groups (one position varies) take it so; two positions varying together
 * do not: a pair of dotted words that change together is mostly a program's table of
 * configuration keys (mapred.task.id ... use mapreduce.task.attempt.id).
 */
export function wordKindOf(w: string, dottedNamesAsValues = true): WordKind {
  if (hasDigit(w)) {
    // a protocol with its version (HTTP/1.1, SPDY/3): one of a few a program speaks, as SOCKS5 is
    if (PROTOCOL_VERSION.test(w)) return WordKind.Closed;
    // an upper-case name with a digit inside (L2CAP, X509, H264): a protocol or format, as RFCOMM is
    if (isUpperCaseCodeName(w)) return WordKind.Closed;
    if (!isVersionedName(w)) return WordKind.Digit;
    // an upper-case name with a version (SOCKS5, TLS1): an enum constant, as SOCKS is
    return isClosedSetWord(w) ? WordKind.Closed : WordKind.Plain;
  }
  if (dottedNamesAsValues && (isDottedLowerName(w) || isComponentName(w) || isFileName(w))) return WordKind.Digit;
  return isClosedSetWord(w) ? WordKind.Closed : WordKind.Plain;
}

/**
 * A file name with a short lower-case extension, its name in any case
 * ("Tonaen.exe", "WeChat.exe", "Setup_x64.msi"): data, as lower-case file names
 * are (isDottedLowerName).
 */
function isFileName(w: string): boolean {
  const dot = w.lastIndexOf('.');
  const ext = w.length - dot - 1;
  if (dot < 2 || ext < 2 || ext > 4 || w.indexOf('.') !== dot) return false;
  // the extension in one case: lower ("setup.exe") or upper ("SETUP.EXE", "trou.EXE", as Windows often prints it)
  const upper = isUpperCode(w.charCodeAt(dot + 1));
  for (let i = dot + 1; i < w.length; i++) if (!(upper ? isUpperCode(w.charCodeAt(i)) : isLowerCode(w.charCodeAt(i)))) return false;
  for (let i = 0; i < dot; i++) {
    const c = w.charCodeAt(i);
    if (!isLetter(c) && !isDigit(c) && c !== 0x2d && c !== 0x5f) return false;
  }
  return true;
}

/**
 * An application component written as package and class ("com.vendor.app/.MainActivity",
 * "com.vendor.app/com.vendor.app.Sync"): a dotted lower-case package, a slash, then a
 * dotted class name. Data, as the package alone is.
 */
function isComponentName(w: string): boolean {
  const slash = w.indexOf('/');
  if (slash < 5 || slash + 2 >= w.length || w.indexOf('/', slash + 1) >= 0) return false;
  if (!isDottedLowerName(w.slice(0, slash))) return false;
  const dot = w.indexOf('.', slash + 1);
  return dot >= 0 && dot + 1 < w.length && isLetter(w.charCodeAt(dot + 1));
}

/**
 * Dotted lower-case labels (plaix.exe, com.vendor.app, relay.corp.lab): the shape of
 * data (file names, package ids, host names under a private domain), which a program
 * prints from a variable; it counts with the digit-bearing words. A program's own dotted
 * constants carry a capital (org.apache.Foo, ipc.Client) or are matched as such elsewhere.
 */
function isDottedLowerName(w: string): boolean {
  const n = w.length;
  if (n < 5) return false;
  let labelLength = 0;
  let dots = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? w.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (labelLength === 0) return false;
      dots++;
      labelLength = 0;
    } else if ((c >= 97 && c <= 122) || isDigit(c) || ((c === 0x2d || c === 0x5f) && labelLength > 0)) labelLength++;
    else return false;
  }
  return dots >= 2; // the end counts as one
}
