/**
 * Splits a log line into words and the separators between them.
 *
 * Contract: line === seps[0] + words[0] + seps[1] + words[1] + … + words[n-1] + seps[n]
 * (always n+1 separators, possibly empty), so any template built from these
 * pieces renders back to the exact line.
 *
 * - Separators are whitespace runs (any C0 control character and the Unicode
 *   spaces count as whitespace), the delimiter characters  = : , ; ( ) [ ] { } " ' | @ # &
 *   (& joins key=value pairs: "a=1&b=2" -> a, 1, b, 2),
 *   `/` inside words that are not paths, and trailing dots of a word
 *   (sentence punctuation: "port 8030." -> "8030" + "."), and the letter v before
 *   a dotted version ("v10.0.6424" -> "v" + "10.0.6424", the letter constant) and
 *   the dash between a word and a UUID ("req-<uuid>" -> "req" + "-" + the UUID), and
 *   the dot between a word and a number ("core.2275" -> "core" + "." + "2275").
 *   A number with an index glued to it ("64802[38]") is one masked span, as are a
 *   host range list ("cn[001-004,017]"), a code location ("do_exit+0x1f/0x90") and a hex
 *   address in angle brackets ("<ffffffff8012b7f7>", the brackets punctuation). An empty
 *   quoted value ("(realm \"\")") is an empty masked word between its quotes.
 * - Words are everything else. Some words are masked (known variables,
 *   `masked[i]`): shapes found by masking.ts, plus multi-character spans
 *   recognised before delimiter splitting — URLs (scheme kept constant, the
 *   rest one variable, or host and port when that is all there is), e-mail
 *   addresses (the angle brackets around one are punctuation), IPv6 and MAC addresses, ISO date-times, hh:mm:ss times, data
 *   sizes with a decimal point and a unit ("5.2 KB", isDecimalNumber), and paths (/a/b, ./a, ~/a, \a\b) with
 *   their query string (/a/b?x=1&y=2 is one value, as a URL is).
 * - The skeleton is the list of separators with each whitespace run reduced to
 *   one space. Two lines share a skeleton exactly when they have the same
 *   number of words and the same punctuation between them; the miner only
 *   compares lines with equal skeletons and then checks the exact separators
 *   (whitespace next to a variable may differ: that variable's argument
 *   carries it). `skeletonHash` finds the bucket without building strings.
 */
import { hasDigit, isCalendarWord, isPlainWordVariable, isUpperCode, isVariableWord } from './masking';

export interface TokenizedLine {
  readonly words: string[];
  readonly masked: boolean[];
  readonly seps: string[];
  /** skeletonHashOf(seps): selects the bucket (verified with skeletonOf per separator). */
  skeletonHash: number;
}

/** An empty TokenizedLine for tokenizeInto to fill (and refill: the arrays are reused). */
export function newTokenizedLine(): TokenizedLine {
  return { words: [], masked: [], seps: [], skeletonHash: 0 };
}

export interface TokenizerOptions {
  /** Lines with more words keep the tail (from word maxWords on) as one variable. */
  readonly maxWords: number;
  /**
   * Characters examined per line: beyond this (cut back to whitespace) the
   * rest of the line is one variable, so a huge line costs no more than a long one.
   */
  readonly maxLineLength: number;
  /** Mask true/false/null. */
  readonly maskKeywords: boolean;
}

const SPACE = 1;
const DELIM = 2;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c <= 32; c++) ASCII_CLASS[c] = SPACE;
ASCII_CLASS[127] = SPACE;
// '`' opens a quote as GNU tools print one (`name')
for (const ch of '=:,;()[]{}"\'`|@#&') ASCII_CLASS[ch.charCodeAt(0)] = DELIM;

function isUnicodeSpace(c: number): boolean {
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Whether the tokenizer counts `c` as whitespace (what separates words; any C0 control, the Unicode spaces). */
export function isSpaceCode(c: number): boolean {
  return classOf(c) === SPACE;
}

/** 0 = word character, SPACE, DELIM. */
function classOf(c: number): number {
  if (c < 128) return ASCII_CLASS[c];
  return isUnicodeSpace(c) ? SPACE : 0;
}

/**
 * Where a number ending a sentence with exclamation marks ("kernel BUG at slab.c:1234!") ends: its
 * marks are the sentence's punctuation, as a full stop is. `end` otherwise: a mark after a name
 * ("en1!", "DNS!") flags it, and a mark before other punctuation is no sentence's end.
 */
function beforeExclaimedNumberEnd(line: string, start: number, end: number): number {
  if (end < line.length && classOf(line.charCodeAt(end)) !== SPACE) return end;
  let e = end;
  while (e > start && line.charCodeAt(e - 1) === 0x21 /* ! */) e--;
  if (e === end || e === start) return end;
  for (let k = start; k < e; k++) if (!isDigitCode(line.charCodeAt(k))) return end;
  return e;
}

/**
 * Where a path read from `start` to `end` ends without the dots that end its sentence: dots
 * before the line's end, or before whitespace and a new sentence (a capital letter or a
 * parenthesis: "Deleted log /data/00012.log. (kafka.log.LogSegment)", "device name: /dev/vdb.
 * Libvirt can't …"), are punctuation, as after a word. `end` otherwise: a dot before other
 * text stays in the value (HDFS's "allocateBlock: /user/…/part-00590. blk_…").
 */
function beforeSentenceDots(line: string, start: number, end: number): number {
  if (end > start + 1 && line.charCodeAt(end - 1) === 0x2e /* . */ && startsSentenceAt(line, end)) {
    let e = end - 1;
    while (e > start + 1 && line.charCodeAt(e - 1) === 0x2e) e--;
    return e;
  }
  return end;
}

/** Whitespace to the line's end, or whitespace then a capital letter or '(' (a new sentence), from `at`. */
function startsSentenceAt(line: string, at: number): boolean {
  let k = at;
  while (k < line.length && classOf(line.charCodeAt(k)) === SPACE) k++;
  if (k === line.length) return true;
  if (k === at) return false;
  const c = line.charCodeAt(k);
  return (c >= 65 && c <= 90) || c === 0x28 /* ( */;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexCode(c: number): boolean {
  return isDigitCode(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** A masked span may end only where a new token would start anyway. */
function isBoundary(line: string, at: number): boolean {
  if (at >= line.length) return true;
  const c = line.charCodeAt(at);
  const cls = classOf(c);
  if (cls === SPACE) return true;
  if (cls === DELIM) {
    if (c === 0x40 /* @ */) return false;
    // a colon ends a value only as punctuation before whitespace ("for R3-B14:J27: 15 single")
    if (c === 0x3a /* : */) return at + 1 >= line.length || classOf(line.charCodeAt(at + 1)) === SPACE;
    return true;
  }
  if (c === 0x2e /* . */) return at + 1 >= line.length || classOf(line.charCodeAt(at + 1)) !== 0;
  return false;
}

/** An ISO date with its time after 'T' (one value); a date and a time joined by a space are two values. */
const ISO_DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?/y;
/** A date with slashes, year first or last, optionally with a time after T, a space or a colon: 2031/07/04, 04/07/2031 10:11:12, 2015/11/4:15:16:15.495. */
const SLASH_DATE = /(?:\d{4}\/\d{1,2}\/\d{1,2}|\d{1,2}\/\d{1,2}\/\d{4})(?:[T :]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?/y;
/** A web server's date (the Common Log Format's, `10/Oct/2000:13:55:36`, with milliseconds as HAProxy prints it): one value, as ISO's is. */
const WEB_DATE = /\d{1,2}\/([A-Za-z]{3})\/\d{4}(?::\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?)?/y;
/** hh:mm:ss, and mm:ss (a duration or a time without seconds): one value either way. */
const CLOCK_TIME = /\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,9})?/y;
/** Six to 32 pairs of hex digits joined by ':' (MAC, WWN, hardware ids): one value. */
const HEX_PAIRS = /[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5,31}/y;
const IPV6_OR_MAC = /[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%[0-9A-Za-z]+)?/y;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/y;
/** What a mailer prints in angle brackets: an address or a message id, its host with or without a domain. */
const ANGLED_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*/y;
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
/** A URL's host and port (groups 1 and 2), alone or closed by '/'. */
const HOST_AND_PORT = /^([A-Za-z0-9.-]+):(\d{1,5})\/?$/;
const SIZE_UNIT = /(?:[KMGTPE]i?B|B)/y;
/**
 * A duration written in words of two to five parts ("3 min 12 sec", "1 hours 2 min",
 * "2 days 4 hours"): one value, as the same duration written 00:03:12 is. Five parts at
 * most (one per unit, days to ms): each number of a line may start one, so an unbounded
 * chain would be read again from every number in it (O(n²) on "1 s 1 s … 1 sx").
 */
const WORDED_DURATION =
  /\d+(?:\.\d+)? (?:days?|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s|ms)(?: \d+(?:\.\d+)? (?:days?|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s|ms)){1,4}/y;
/** The same in parts with their units glued on ("58min 46.091s", "2h 30m", "1d 4h 12m"): one value, five parts at most. */
const GLUED_DURATION = /\d+(?:\.\d+)?(?:d|h|min|m|s|ms)(?: \d+(?:\.\d+)?(?:d|h|min|m|s|ms)){1,4}/y;
/** An IPv4 network in CIDR notation (10.2.238.0/24). */
const IPV4_NETWORK = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d{1,2}/y;
/** A PCI address (domain:bus:device.function, 0000:04:00.0): one value, as a MAC address is. */
const PCI_ADDRESS = /[0-9A-Fa-f]{4}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-7]/y;
/** A key's name with an index glued after it, before "=" (fpr31=, r3=): the name is group 1. */
const INDEXED_KEY = /^([A-Za-z]{1,12})(\d{1,3})$/;
/** A number with a key glued after it, before "=": the key is group 1. */
const GLUED_KEY = /^-?\d+(?:\.\d+)?([A-Za-z_][A-Za-z0-9_]*)$/;

function stickyMatchEnd(re: RegExp, line: string, at: number): number {
  re.lastIndex = at;
  return re.test(line) ? re.lastIndex : -1;
}

/** End of a masked multi-character span starting at `at` (date-time, time, IPv6/MAC), or -1. */
function spanAt(line: string, at: number): number {
  const c0 = line.charCodeAt(at);
  const n = line.length;
  if (isLetterCode(c0) || isDigitCode(c0)) {
    const end = locationCodeEnd(line, at);
    if (end > 0) return end;
  }
  if (isLetterCode(c0) || c0 === 0x5f) {
    const end = hostRangeEnd(line, at);
    if (end > 0) return end;
    const location = codeLocationEnd(line, at);
    if (location > 0) return location;
  }
  if (isDigitCode(c0)) {
    const indexed = indexedNumberEnd(line, at);
    if (indexed > 0) return indexed;
    if (mayStartWordedDuration(line, at)) {
      const duration = stickyMatchEnd(WORDED_DURATION, line, at);
      if (duration > 0 && isBoundary(line, duration)) return duration;
    }
    if (mayStartGluedDuration(line, at)) {
      const duration = stickyMatchEnd(GLUED_DURATION, line, at);
      if (duration > 0 && isBoundary(line, duration)) return duration;
    }
    if (at + 4 < n && line.charCodeAt(at + 4) === 0x2d /* - */) {
      const end = stickyMatchEnd(ISO_DATETIME, line, at);
      if (end > 0 && isBoundary(line, end)) return end;
    }
    const c1 = at + 1 < n ? line.charCodeAt(at + 1) : 0;
    const c2 = at + 2 < n ? line.charCodeAt(at + 2) : 0;
    if (c1 === 0x2f || c2 === 0x2f || (at + 4 < n && line.charCodeAt(at + 4) === 0x2f)) {
      const end = stickyMatchEnd(SLASH_DATE, line, at);
      if (end > 0 && isBoundary(line, end)) return end;
      const web = webDateEnd(line, at);
      if (web > 0) return web;
    }
    if (c1 === 0x3a || c2 === 0x3a) {
      const end = stickyMatchEnd(CLOCK_TIME, line, at);
      if (end > 0 && isBoundary(line, end)) return end;
    }
  }
  if (isHexCode(c0) && line.charCodeAt(at + 4) === 0x3a /* : */) {
    const end = stickyMatchEnd(PCI_ADDRESS, line, at);
    if (end > 0 && isBoundary(line, end)) return end;
  }
  if (isHexCode(c0) || c0 === 0x3a) {
    // IPv6 / MAC need a colon within the first group
    let colon = -1;
    for (let k = at; k < n && k <= at + 4; k++) {
      if (line.charCodeAt(k) === 0x3a) {
        colon = k;
        break;
      }
    }
    if (colon === at + 2) {
      // a MAC, WWN or longer hardware id (FF:F2:9F:15:1E:A9:00:0D:60:EA:E1:56): one value, letters only or not
      const end = stickyMatchEnd(HEX_PAIRS, line, at);
      if (end > 0 && isBoundary(line, end)) return end;
    }
    if (colon >= 0) {
      const end = stickyMatchEnd(IPV6_OR_MAC, line, at);
      if (end > 0 && isBoundary(line, end) && isAddressLike(line.slice(at, end))) return end;
    }
  }
  return -1;
}

/**
 * End of a hex address right after '<' and closed by '>' ("<ffffffff8012b7f7>", a kernel
 * call trace's frame), or -1: MIN_ANGLED_HEX to MAX_ANGLED_HEX hex digits, optionally after
 * `0x`, then '>' and a boundary. Other words in angle brackets (<init>, <unknown>) stay words.
 */
function angledHexEnd(line: string, at: number): number {
  const n = line.length;
  let e = hasHexPrefixAt(line, at) ? at + 2 : at;
  const digits = e;
  while (e < n && e - digits < MAX_ANGLED_HEX && isHexCode(line.charCodeAt(e))) e++;
  if (e - digits < MIN_ANGLED_HEX || e >= n || line.charCodeAt(e) !== 0x3e /* > */ || !isBoundary(line, e + 1)) return -1;
  return e;
}

/** Digits of an address angledHexEnd reads (a 32-bit address has 8, a 64-bit one 16). */
const MIN_ANGLED_HEX = 8;
const MAX_ANGLED_HEX = 16;

/**
 * End of a code location `symbol+0xOFFSET/0xSIZE` ("schedule_timeout+0x429/0x1a0", a frame of a
 * kernel call trace), or -1: one value, as a file and line are.
 */
function codeLocationEnd(line: string, at: number): number {
  const n = line.length;
  let e = at;
  while (e < n && e - at < MAX_SYMBOL_NAME) {
    const c = line.charCodeAt(e);
    if (!isLetterCode(c) && !isDigitCode(c) && c !== 0x5f && c !== 0x2e) break;
    e++;
  }
  if (e === at || e + 3 >= n || line.charCodeAt(e) !== 0x2b /* + */) return -1;
  e = hexNumberEnd(line, e + 1);
  if (e < 0 || line.charCodeAt(e) !== 0x2f /* / */) return -1;
  e = hexNumberEnd(line, e + 1);
  return e > 0 && isBoundary(line, e) ? e : -1;
}

/** Longest symbol (or file name) before a code location's '+' that codeLocationEnd reads. */
const MAX_SYMBOL_NAME = 64;

/** `0x` (or `0X`) starts at `at`. */
function hasHexPrefixAt(line: string, at: number): boolean {
  return line.charCodeAt(at) === 0x30 && (line.charCodeAt(at + 1) | 0x20) === 0x78;
}

/** End of a `0x` hex number at `at` (one hex digit at least), or -1. */
function hexNumberEnd(line: string, at: number): number {
  if (!hasHexPrefixAt(line, at)) return -1;
  let e = at + 2;
  while (e < line.length && isHexCode(line.charCodeAt(e))) e++;
  return e > at + 2 ? e : -1;
}

/** End of a WEB_DATE at `at` whose month is a month's name, or -1. */
function webDateEnd(line: string, at: number): number {
  WEB_DATE.lastIndex = at;
  const m = WEB_DATE.exec(line);
  return m !== null && isCalendarWord(m[1]) && isBoundary(line, WEB_DATE.lastIndex) ? WEB_DATE.lastIndex : -1;
}

/**
 * End of a number with an index glued to it ("64802[38]", an element of an
 * array job), or -1: one value, as an id with a suffix is. A name before the
 * bracket ("sshd[812]") is not: a program and its pid are two values.
 */
function indexedNumberEnd(line: string, at: number): number {
  const n = line.length;
  let e = at;
  while (e < n && isDigitCode(line.charCodeAt(e))) e++;
  if (e >= n || line.charCodeAt(e) !== 0x5b /* [ */) return -1;
  const first = ++e;
  while (e < n && isDigitCode(line.charCodeAt(e))) e++;
  if (e === first || e >= n || line.charCodeAt(e) !== 0x5d /* ] */) return -1;
  return isBoundary(line, e + 1) ? e + 1 : -1;
}

/**
 * End of a host range list ("cn[001-004,017]", "node[1-8]": a batch scheduler's node list, the
 * nodes of one job), or -1: one value. A name, then numbers in brackets joined by `-` or `,`
 * (at least one: "sshd[812]" stays a program and its pid), then the closing bracket.
 */
function hostRangeEnd(line: string, at: number): number {
  const n = line.length;
  let e = at;
  while (e < n && e - at < MAX_HOST_RANGE_NAME && (isLetterCode(line.charCodeAt(e)) || isDigitCode(line.charCodeAt(e)) || line.charCodeAt(e) === 0x2d)) e++;
  // a name joined by a dash keeps its word, as node-12 does: node-[<*>] (rangeInBracketsEnd)
  if (e >= n || line.charCodeAt(e) !== 0x5b /* [ */ || line.charCodeAt(e - 1) === 0x2d) return -1;
  const close = rangeInBracketsEnd(line, e + 1, 1);
  return close > 0 ? close + 1 : -1;
}

/**
 * Where the ']' closing a list of numbers and ranges that starts at `at` is ("131-155]",
 * "13,17-19]", "830]" when minJoins is 0), with at least `minJoins` '-' or ',' joins and a
 * boundary after the ']'; or -1.
 */
function rangeInBracketsEnd(line: string, at: number, minJoins: number): number {
  const n = line.length;
  let joins = 0;
  let digits = 0;
  let e = at;
  for (; e < n; e++) {
    const c = line.charCodeAt(e);
    if (isDigitCode(c)) digits++;
    else if ((c === 0x2d || c === 0x2c) && digits > 0 && isDigitCode(line.charCodeAt(e + 1))) joins++;
    else break;
  }
  if (digits === 0 || joins < minJoins || e >= n || line.charCodeAt(e) !== 0x5d /* ] */) return -1;
  return isBoundary(line, e + 1) ? e : -1;
}

/** Longest name before a host range's bracket that hostRangeEnd reads. */
const MAX_HOST_RANGE_NAME = 32;

/**
 * End of a hardware location code written as two dash-joined codes around a colon
 * ("R02-M1-N0-C:J12-U11", "U16-K0-S7:W09-D08"), or -1: one value, as the same code
 * written without its ":part" is. The first code has a dash and a digit, the second
 * a letter and a digit (a host:port has only digits after the colon).
 */
function locationCodeEnd(line: string, at: number): number {
  const n = line.length;
  // the first code: letters, digits and dashes, with a dash and a digit, ending at a colon
  let e = at;
  let dash = false;
  let digit = false;
  for (; e < n; e++) {
    const c = line.charCodeAt(e);
    if (c === 0x2d) dash = true;
    else if (isDigitCode(c)) digit = true;
    else if (!isLetterCode(c)) break;
  }
  if (!dash || !digit || e >= n || line.charCodeAt(e) !== 0x3a) return -1;
  // the second: letters, digits and dashes, with a letter and a digit
  const second = e + 1;
  let letter = false;
  digit = false;
  for (e = second; e < n; e++) {
    const c = line.charCodeAt(e);
    if (isDigitCode(c)) digit = true;
    else if (isLetterCode(c)) letter = true;
    else if (c !== 0x2d) break;
  }
  if (e === second || !digit || !letter) return -1;
  return isBoundary(line, e) ? e : -1;
}

/** Longest snake_case identifier gluedNameEnd keeps before ".<digits>". */
const MAX_SNAKE_NAME = 64;
const UUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/y;

/**
 * End of the letters (2 to 16) of a name glued before a value by one mark, or -1:
 * "core.2275" (a dot before digits), "req-<uuid>" (a dash before a UUID),
 * "HikariPool-4", "jetty-6.1.26", "http-nio-8080" (a dash before a number or a
 * version: the Loghub-2.0 templates keep jetty-<*>). The value must end at a token
 * boundary; the mark follows the returned end.
 */
function gluedNameEnd(line: string, at: number): number {
  let e = at;
  while (e < line.length && isLetterCode(line.charCodeAt(e))) e++;
  let longest = 16;
  // before a dot, a snake_case identifier names its number too ("..._handle_read_error.846")
  if (e - at >= 2 && line.charCodeAt(e) === 0x5f /* _ */) {
    let k = e;
    while (k < line.length && (isLetterCode(line.charCodeAt(k)) || (line.charCodeAt(k) === 0x5f && isLetterCode(line.charCodeAt(k + 1))))) k++;
    if (line.charCodeAt(k) === 0x2e && isDigitCode(line.charCodeAt(k + 1))) {
      e = k;
      longest = MAX_SNAKE_NAME;
    }
  }
  if (e - at < 2 || e - at > longest) return -1;
  const mark = line.charCodeAt(e);
  let end = -1;
  if (mark === 0x2e /* . */) {
    end = e + 1;
    while (end < line.length && isDigitCode(line.charCodeAt(end))) end++;
    if (end === e + 1) return -1;
  } else if (mark === 0x2d /* - */) {
    end = stickyMatchEnd(UUID, line, e + 1);
    // a number after a lower-case word is a host's or node's name (desho-473): one value
    if (end < 0) end = dashedNumberEnd(line, e + 1, !isLowerWord(line, at, e));
    if (end < 0 && isLetterCode(line.charCodeAt(e + 1))) {
      // a dashed name ("http-nio-8080"): its last dash is the mark
      const inner = gluedNameEnd(line, e + 1);
      return inner > 0 && line.charCodeAt(inner) === 0x2d && inner - at <= 24 ? inner : -1;
    }
  }
  return end > 0 && isBoundary(line, end) ? e : -1;
}

/** What runValueAt keeps for one line, and what it found. */
interface RunScan {
  /** A list literal that failed to close ends every later start before here (keeps the scans linear). */
  reprScanEnd: number;
  /** Whether the line is a record of labelled fields (isLabelRecord): -1 not yet known, 0 no, 1 yes. */
  labelRecord: number;
  /** Where the value found starts (after a list's '['), and whether it is masked. */
  start: number;
  masked: boolean;
}

const scratchRunScan: RunScan = { reprScanEnd: -1, labelRecord: -1, start: 0, masked: false };

/**
 * The end of a value that runs over spaces or punctuation, starting at `at` (its first character `c`), or -1;
 * `s.start` and `s.masked` say where it starts and whether it is masked:
 * - "Alternates: [(u'node1', u'host1'), (u'node2', u'host2')]": a list printed as a literal of tuples, objects or
 *   quoted strings is one value inside its brackets, whatever its length ("[]" stays apart);
 * - "current: Install Pending, pending: Staged, client id: DISM Package Manager Provider, …": in a record of
 *   labelled fields joined by ", ", a value of plain words runs to the next ", " (one word, as "Staged" is);
 * - "Code: 8b 45 08 0f b6 …": a dump of bytes is one value, whatever its length.
 */
function runValueAt(line: string, at: number, c: number, limit: number, s: RunScan): number {
  const afterSpace = at === 0 || classOf(line.charCodeAt(at - 1)) === SPACE;
  if (c === 0x5b /* [ */) {
    // after whitespace or an opening parenthesis (Python's `set([u'a', u'b'])`), not after a name (an index: `x[0]`)
    if (at <= s.reprScanEnd || !(afterSpace || (at > 0 && line.charCodeAt(at - 1) === 0x28)) /* ( */) return -1;
    const close = listLiteralEnd(line, at, limit);
    if (close < 0) {
      s.reprScanEnd = -close;
      return -1;
    }
    s.start = at + 1;
    s.masked = true;
    return close;
  }
  if (at >= 2 && line.charCodeAt(at - 2) === 0x3a && line.charCodeAt(at - 1) === 0x20) {
    if (s.labelRecord < 0) s.labelRecord = isLabelRecord(line) ? 1 : 0;
    const end = s.labelRecord === 1 ? spacedPlainValueEnd(line, at) : -1;
    if (end > 0) {
      s.start = at;
      s.masked = false;
      return end;
    }
  }
  if (afterSpace && line.charCodeAt(at + 2) === 0x20 && isHexCode(c)) {
    const end = hexByteRunEnd(line, at, limit);
    if (end > 0) {
      s.start = at;
      s.masked = true;
      return end;
    }
  }
  return -1;
}

/** Fewest bytes that make a dump (hexByteRunEnd). */
const MIN_DUMP_BYTES = 4;

/**
 * End of a run of MIN_DUMP_BYTES or more bytes written as two hex digits each and joined by single
 * spaces, starting at `at` ("8b 45 08 0f b6 40 <0f> 0b", a kernel oops's Code: line, the faulting
 * byte in angle brackets), before a boundary, or -1.
 */
function hexByteRunEnd(line: string, at: number, limit: number): number {
  let k = at;
  let bytes = 0;
  let end = -1;
  for (;;) {
    // the byte the fault is at is marked in angle brackets ("… 5d c3 <0f> 0b eb …")
    const marked = bytes > 0 && line.charCodeAt(k) === 0x3c /* < */ && line.charCodeAt(k + 3) === 0x3e; /* > */
    const digits = marked ? k + 1 : k;
    const after = marked ? k + 4 : k + 2;
    if (after > limit || !isHexCode(line.charCodeAt(digits)) || !isHexCode(line.charCodeAt(digits + 1))) break;
    if (after < line.length && classOf(line.charCodeAt(after)) === 0) break;
    bytes++;
    end = after;
    if (end >= limit || line.charCodeAt(end) !== 0x20) break;
    k = end + 1;
  }
  return bytes >= MIN_DUMP_BYTES && isBoundary(line, end) ? end : -1;
}

/** Shortest base64 or hex text read as a padded digest (paddedDigestEnd). */
const MIN_PADDED_DIGEST = 12;

/**
 * End of a base64 or hex digest at [start, end) with its '=' padding (one or two '=' right after it, then
 * no value: whitespace, the end or closing punctuation), or -1: at least MIN_PADDED_DIGEST characters of
 * letters, digits, '+' and '/', a digit among them.
 */
function paddedDigestEnd(line: string, start: number, end: number): number {
  if (end - start < MIN_PADDED_DIGEST || end >= line.length || line.charCodeAt(end) !== 0x3d) return -1;
  let pad = end;
  while (pad < line.length && pad - end < 2 && line.charCodeAt(pad) === 0x3d) pad++;
  if (opensValueAfterEquals(line, pad - 1) || (pad < line.length && line.charCodeAt(pad) === 0x3d)) return -1;
  let digit = false;
  for (let k = start; k < end; k++) {
    const c = line.charCodeAt(k);
    if (isDigitCode(c)) digit = true;
    else if (!isLetterCode(c) && c !== 0x2b && c !== 0x2f) return -1; // + /
  }
  return digit ? pad : -1;
}

/** The '=' at `at` is followed by a value (a key's '='), not by whitespace, the end, another '=' or closing punctuation (padding). */
function opensValueAfterEquals(line: string, at: number): boolean {
  if (at + 1 >= line.length) return false;
  const c = line.charCodeAt(at + 1);
  return classOf(c) !== SPACE && c !== 0x3d && c !== 0x7d && c !== 0x29 && c !== 0x5d && c !== 0x2c && c !== 0x3b; // = } ) ] , ;
}

/** Fewest ", label: " joins that make a line a record of labelled fields (isLabelRecord). */
const MIN_RECORD_LABELS = 3;

/** Longest label of a labelled field (one to a few words of letters). */
const MAX_LABEL_LENGTH = 32;

/**
 * The line is a record of labelled fields: MIN_RECORD_LABELS times or more ", " then a label (letters and
 * single spaces, at most MAX_LABEL_LENGTH characters) and ": " (Windows servicing's "…, current: Staged,
 * pending: Install Pending, failure source: Not Applicable, client id: …"), or once at least when the
 * record follows a sentence and two spaces, its first label opening it ("Maint: processing started.
 * Client: DISM Package Manager Provider, Session: 1234": what the sentence reports, then its fields).
 */
function isLabelRecord(line: string): boolean {
  let labels = 0;
  for (let k = line.indexOf(', '); k >= 0 && labels < MIN_RECORD_LABELS; k = line.indexOf(', ', k + 2)) {
    if (isLabelAt(line, k + 2)) labels++;
  }
  return labels >= MIN_RECORD_LABELS || (labels > 0 && opensRecordAfterSentence(line));
}

/** A label (letters and single spaces, at most MAX_LABEL_LENGTH characters) and ": " start at `at`. */
function isLabelAt(line: string, at: number): boolean {
  let e = at;
  while (e < line.length && e - at <= MAX_LABEL_LENGTH && (isLetterCode(line.charCodeAt(e)) || (line.charCodeAt(e) === 0x20 && isLetterCode(line.charCodeAt(e + 1))))) e++;
  return e > at && line.charCodeAt(e) === 0x3a && line.charCodeAt(e + 1) === 0x20;
}

/** A sentence's full stop and two spaces precede a label ("… processing started.  Client: …"). */
function opensRecordAfterSentence(line: string): boolean {
  const k = line.indexOf('.  ');
  return k > 0 && isLetterCode(line.charCodeAt(k - 1)) && isLabelAt(line, k + 3);
}

/**
 * End of a field's value of two or more plain words (letters, single spaces) starting at `at`, in a
 * record of labelled fields: it runs to the next ", " or the end of the line, or -1 (a value of one
 * word, or holding anything else, is read as usual).
 */
function spacedPlainValueEnd(line: string, at: number): number {
  let e = at;
  let spaces = 0;
  while (e < line.length) {
    const c = line.charCodeAt(e);
    if (isLetterCode(c)) e++;
    else if (c === 0x20 && isLetterCode(line.charCodeAt(e + 1)) && isLetterCode(line.charCodeAt(e - 1))) {
      spaces++;
      e++;
    } else break;
  }
  if (spaces === 0) return -1;
  return e === line.length || (line.charCodeAt(e) === 0x2c && line.charCodeAt(e + 1) === 0x20) ? e : -1;
}

/**
 * End of a KEY=value field's value that holds spaces, in a record of fields joined by
 * " ; " (sudo: `TTY=pts/1 ; PWD=/home/ana/My Files ; USER=root ; COMMAND=/bin/ls -la`),
 * or -1: the key (capitals and underscores) follows the line start, ": " or " ; ", and
 * the value runs to the next " ; " or the end of the line.
 */
function spacedFieldValueEnd(line: string, at: number): number {
  let k = at - 1; // the '='
  while (k > 0 && /[A-Z_]/.test(line[k - 1])) k--;
  if (k === at - 1 || !(k === 0 || line.startsWith(': ', k - 2) || line.startsWith(' ; ', k - 3))) return -1;
  const next = line.indexOf(' ; ', at);
  let end = next < 0 ? line.length : next;
  while (end > at && classOf(line.charCodeAt(end - 1)) === SPACE) end--;
  const space = line.indexOf(' ', at);
  return space >= 0 && space < end ? end : -1;
}

/**
 * End (the closing quote) of a double-quoted text starting at `at` that holds punctuation
 * (or, where `spaces`, whitespace) that would cut it into words, or -1: up to 256
 * characters, no other double quote or backslash inside, not ending in whitespace; with
 * `spaces` false no whitespace at all (a quoted registry reference, host:port, ns/name).
 * A `key="…"` value may hold spaces (a phrase printed for its key).
 */
function quotedTextEnd(line: string, at: number, spaces: boolean): number {
  const limit = Math.min(line.length, at + 256);
  let cut = false;
  for (let e = at; e < limit; e++) {
    const c = line.charCodeAt(e);
    if (c === 0x22 /* " */) return cut && classOf(line.charCodeAt(e - 1)) !== SPACE ? e : -1;
    if (c === 0x5c /* \ */ || (!spaces && classOf(c) === SPACE)) return -1;
    if (classOf(c) !== 0 || c === 0x2f /* / splits pieces */) cut = true;
  }
  return -1;
}

/**
 * End of the line's first word when it opens the line (no whitespace or delimiter before
 * it), else 0. A key ending there is the line's first word: a record that opens with
 * `key="…"` (`msg="Container … started" id=…`, a logfmt line without its header) quotes
 * the message itself, whose words are the event's, not a value. Read once per line (a
 * line may hold many key="…").
 */
function openingWordEnd(line: string): number {
  let e = 0;
  while (e < line.length && classOf(line.charCodeAt(e)) === 0) e++;
  return e;
}

/** End of the digits at `at` and of a '.' and digits after them ("46", "46.091"). */
function decimalEnd(line: string, at: number): number {
  let e = at;
  while (e < line.length && isDigitCode(line.charCodeAt(e))) e++;
  if (line.charCodeAt(e) === 0x2e) for (e++; e < line.length && isDigitCode(line.charCodeAt(e)); e++);
  return e;
}

/** The number at `at` is followed by a space and a time unit's first letter (the regex's cheap gate). */
function mayStartWordedDuration(line: string, at: number): boolean {
  const e = decimalEnd(line, at);
  if (line.charCodeAt(e) !== 0x20) return false;
  const u = line.charCodeAt(e + 1);
  return u === 0x64 /* d */ || u === 0x68 /* h */ || u === 0x6d /* m */ || u === 0x73 /* s */;
}

/** The number at `at` has a time unit's first letter glued to it, then a space and a digit (GLUED_DURATION's cheap gate). */
function mayStartGluedDuration(line: string, at: number): boolean {
  let e = decimalEnd(line, at);
  const u = line.charCodeAt(e);
  if (u !== 0x64 /* d */ && u !== 0x68 /* h */ && u !== 0x6d /* m */ && u !== 0x73 /* s */) return false;
  while (e < line.length && isLetterCode(line.charCodeAt(e))) e++;
  return line.charCodeAt(e) === 0x20 && isDigitCode(line.charCodeAt(e + 1));
}

/**
 * End of a comma-joined list of names or numbers starting at `at` after whitespace
 * ("com.a.app,com.b.app", "proxy1.x.com,proxy6.y.net", "3,7,12"), or -1: two or more
 * items of letters, digits and . _ - /, each with a digit or one of those marks,
 * joined by single commas, the whole word up to whitespace or the end (a trailing
 * comma or dot is punctuation). Plain words joined by a comma (`sync,app`) and lists
 * with `=` or `:` in them (`time=1,2`) are not one value.
 */
function commaListEnd(line: string, at: number): number {
  const n = line.length;
  let commas = 0;
  let itemStart = at;
  let shaped = false; // the current item has a digit or a mark: a value's shape, not a plain word
  let e = at;
  for (; e < n; e++) {
    const c = line.charCodeAt(e);
    if (c === 0x2c /* , */) {
      if (e === itemStart || !shaped) return -1;
      commas++;
      itemStart = e + 1;
      shaped = false;
    } else if (isLetterCode(c)) continue;
    else if (isDigitCode(c) || c === 0x2e || c === 0x5f || c === 0x2d || c === 0x2f) shaped = true;
    else break;
  }
  if (commas === 0 || (e < n && classOf(line.charCodeAt(e)) !== SPACE)) return -1;
  // trailing commas and dots are punctuation, not part of the list
  let end = e;
  while (end > at && (line.charCodeAt(end - 1) === 0x2c || line.charCodeAt(end - 1) === 0x2e)) {
    if (line.charCodeAt(end - 1) === 0x2c) commas--;
    end--;
  }
  // the last item must be shaped too (each item before a comma was checked at its comma)
  let lastShaped = false;
  for (let k = itemStart; k < end && !lastShaped; k++) lastShaped = !isLetterCode(line.charCodeAt(k));
  if (end > itemStart && !lastShaped) return -1;
  return commas >= 1 ? end : -1;
}

/**
 * End of a number or dotted version after a name's dash ("HikariPool-4",
 * "jetty-6.1.26"), or -1: digits, optionally dot-joined groups of digits; a plain
 * number only where `plainNumber`.
 */
function dashedNumberEnd(line: string, at: number, plainNumber: boolean): number {
  let e = at;
  let dots = 0;
  for (;;) {
    const start = e;
    while (e < line.length && isDigitCode(line.charCodeAt(e))) e++;
    if (e === start) return -1;
    if (line.charCodeAt(e) !== 0x2e || !isDigitCode(line.charCodeAt(e + 1))) return plainNumber || dots > 0 ? e : -1;
    dots++;
    e++;
  }
}

/** line[from..to) is lower-case letters only. */
function isLowerWord(line: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = line.charCodeAt(k);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** Digits and dots from `at` to the end of the word, with at least one dot between digits ("10.0.6424"). */
function isDottedVersionAfter(line: string, at: number): boolean {
  const n = line.length;
  if (at >= n || !isDigitCode(line.charCodeAt(at))) return false;
  let dots = 0;
  let e = at;
  for (; e < n; e++) {
    const c = line.charCodeAt(e);
    if (c === 0x2e) {
      if (!isDigitCode(e + 1 < n ? line.charCodeAt(e + 1) : 0)) break;
      dots++;
    } else if (!isDigitCode(c)) break;
  }
  return dots > 0 && (e >= n || classOf(line.charCodeAt(e)) !== 0 || line.charCodeAt(e) === 0x2e);
}

/**
 * line[s..e) is a boolean keyword that is a call's only argument, `name(true)`: a
 * program that prints its call prints each branch as its own constant event, as
 * against a value printed for a key (`enabled=true`, `isScreenOn true`), which is data.
 */
function isCallFlag(line: string, s: number, e: number): boolean {
  if (s < 2 || e >= line.length || line.charCodeAt(s - 1) !== 0x28 /* ( */ || line.charCodeAt(e) !== 0x29 /* ) */) return false;
  if (!isLetterCode(line.charCodeAt(s - 2))) return false;
  const w = line.slice(s, e).toLowerCase();
  return w === 'true' || w === 'false';
}

/**
 * line[s..e) is a class or namespace name before the scope operator, digits inside
 * (`IO80211AWDLPeerManager::setMode()`): an identifier of the program's code, not data.
 * Starts with a capital, letters, digits and '_' only, a lower-case letter among them.
 */
function isScopeName(line: string, s: number, e: number): boolean {
  if (line.charCodeAt(e) !== 0x3a || line.charCodeAt(e + 1) !== 0x3a) return false;
  const c0 = line.charCodeAt(s);
  if (c0 < 65 || c0 > 90) return false;
  let lower = false;
  for (let k = s + 1; k < e; k++) {
    const c = line.charCodeAt(k);
    if (c >= 97 && c <= 122) lower = true;
    else if (!isLetterCode(c) && !isDigitCode(c) && c !== 0x5f) return false;
  }
  return lower;
}

/**
 * line[s..e) names the digest after it, `sha256:<64 hex>` (an algorithm's name, letters then
 * digits, up to 8 characters, before ':' and 32 hex digits or more): the program's label, not data.
 */
function isDigestLabel(line: string, s: number, e: number): boolean {
  if (e - s > 8 || line.charCodeAt(e) !== 0x3a || !isLetterCode(line.charCodeAt(s))) return false;
  let k = e + 1;
  while (k < line.length && isHexCode(line.charCodeAt(k))) k++;
  return k - e - 1 >= 32 && (k === line.length || classOf(line.charCodeAt(k)) !== 0);
}

function isAddressLike(s: string): boolean {
  const zone = s.indexOf('%');
  const addr = zone >= 0 ? s.slice(0, zone) : s;
  let digits = 0;
  for (let i = 0; i < addr.length; i++) if (isDigitCode(addr.charCodeAt(i))) digits++;
  if (digits === 0) return false;
  const groups = addr.split(':');
  if (addr.indexOf('::') >= 0) return addr.indexOf('::') === addr.lastIndexOf('::');
  if (groups.length === 8) return groups.every((g) => g.length >= 1);
  if (groups.length === 6) return groups.every((g) => g.length === 2); // MAC
  return false;
}

/**
 * The text from `s` to `e` is all a quoted value holds ('/' in `vhost: '/'`): a value, however short.
 * Not between two quoted values ('a'/'b'): there the quotes close one and open the other.
 */
function isQuotedAlone(line: string, s: number, e: number): boolean {
  if (!isBetweenQuotes(line, s, e)) return false;
  return (s < 2 || classOf(line.charCodeAt(s - 2)) !== 0) && (e + 1 >= line.length || classOf(line.charCodeAt(e + 1)) !== 0);
}

/** line[s..e) is all a pair of the same quotes holds ('HKLM\COMPONENTS'. or "a\b"), whatever follows. */
function isBetweenQuotes(line: string, s: number, e: number): boolean {
  const quote = s > 0 ? line.charCodeAt(s - 1) : 0;
  return (quote === 0x22 || quote === 0x27) && line.charCodeAt(e) === quote;
}

function isPathStart(line: string, s: number, e: number): boolean {
  const c0 = line.charCodeAt(s);
  if (c0 === 0x2f /* / */) return e - s > 1 ? line.charCodeAt(s + 1) !== 0x2f : isQuotedAlone(line, s, e);
  if (c0 === 0x5c /* \ */) {
    for (let k = s + 1; k < e; k++) if (line.charCodeAt(k) === 0x5c) return true;
    return false;
  }
  if (c0 === 0x7e /* ~ */) return e - s > 2 && line.charCodeAt(s + 1) === 0x2f;
  if (c0 === 0x2e /* . */) {
    if (e - s > 2 && line.charCodeAt(s + 1) === 0x2f) return true;
    return e - s > 3 && line.charCodeAt(s + 1) === 0x2e && line.charCodeAt(s + 2) === 0x2f;
  }
  return false;
}

interface Pieces {
  line: string;
  words: string[];
  masked: boolean[];
  seps: string[];
  /** Where the separator before the next word starts. */
  sepStart: number;
}

/**
 * Appends the word line[start, end) and the separator before it. `word`: that word when the
 * caller has sliced it already (one string per word, not two).
 */
function emit(out: Pieces, start: number, end: number, isMasked: boolean, word?: string): void {
  out.seps.push(out.line.slice(out.sepStart, start));
  out.words.push(word ?? out.line.slice(start, end));
  out.masked.push(isMasked);
  out.sepStart = end;
}

/**
 * True when the quote at `at` opens an empty quoted value: the same quote right after it, the pair
 * glued neither to a word or a quote before it nor to a word or quote after it (`"a ""b"" c"`'s doubled
 * quotes and `it''s` are no values). An empty word there meets the filled text of other lines, of any
 * number of words, as a quoted text (length-merge.ts isQuotedGap). Not after a key's '=' nor a label's
 * ': ': `key=""` and `label: ""` are left to the merge of an empty against a filled field, which also
 * takes a filled value the tokenizer cut at inner quotes (`err="failed \"x\": …"`), as an empty word would not.
 */
function isEmptyQuotedValue(line: string, at: number): boolean {
  const q = line.charCodeAt(at);
  if (line.charCodeAt(at + 1) !== q) return false;
  const before = at > 0 ? line.charCodeAt(at - 1) : 0x20;
  if (before === 0x22 || before === 0x27 || before === 0x3d /* = */ || classOf(before) === 0) return false;
  if (at >= 2 && before === 0x20 && line.charCodeAt(at - 2) === 0x3a /* : */) return false;
  if (at + 2 >= line.length) return true;
  const after = line.charCodeAt(at + 2);
  return after !== 0x22 && after !== 0x27 && classOf(after) !== 0;
}

/** Tokenises one line into a new TokenizedLine; see the module comment for the contract. */
export function tokenize(line: string, options: TokenizerOptions): TokenizedLine {
  return tokenizeInto(line, options, newTokenizedLine());
}

/**
 * End of a word of ASCII letters only at `at`, or -1: the tokenizer's fast path.
 * Such a word is a token of its own whatever the rules below say, provided it is
 * followed by whitespace, the end of the line or a delimiter that starts no value
 * shape (not ':' of an address, URL or IPv6 group, not '@' of an e-mail), and
 * is not the value of a `KEY=` field or of a quoted `key="…"` (whose values may
 * hold spaces), nor the name of a host range list (`node[1-8]`): gluedNameEnd,
 * commaListEnd, spanAt and the path, URL and version shapes all need a digit, a
 * mark or ':' / '@' / '/' / '[' right after the letters.
 */
function plainWordEnd(line: string, at: number): number {
  if (!isLetterCode(line.charCodeAt(at)) || isFieldValueStart(line, at)) return -1;
  const n = line.length;
  let e = at + 1;
  while (e < n && isLetterCode(line.charCodeAt(e))) e++;
  if (e === n) return e;
  const next = line.charCodeAt(e);
  const cls = classOf(next);
  if (cls === SPACE) return e;
  // '[' may open a host range list ("node[1-8]": the name is part of the value)
  if (next === 0x5b /* [ */ && hostRangeEnd(line, at) > 0) return -1;
  return cls === DELIM && next !== 0x3a /* : */ && next !== 0x40 /* @ */ ? e : -1;
}

/**
 * End of a word of ASCII letters and digits that starts with a letter and runs to
 * whitespace or the end ("u123", "eth0"), or -1: the fast path for such words, on the
 * terms of plainWordEnd. Every shape the general path looks for needs a mark inside
 * or right after the word (':', '-', '[', '+', '.', '/', '@', '='), so there it would
 * end as one word, masked when isVariableWord says so.
 */
function alnumWordEnd(line: string, at: number): number {
  if (!isLetterCode(line.charCodeAt(at)) || isFieldValueStart(line, at)) return -1;
  const n = line.length;
  let e = at + 1;
  while (e < n && (isLetterCode(line.charCodeAt(e)) || isDigitCode(line.charCodeAt(e)))) e++;
  return e === n || classOf(line.charCodeAt(e)) === SPACE ? e : -1;
}

/**
 * End of a word of lower-case letters and digits starting with a letter, a dash and a
 * whole number, running to whitespace or the end ("worker-3", "node-12", "web-01",
 * "x86-64"), or -1: the fast path for host, worker and node names, on the terms of
 * alnumWordEnd. The general path ends such a word as one word too (an upper-case name
 * before the dash, "CPU-0", is split there; a letter after the digits, "vm-12a", or a
 * mark after the word, "rack-3/host-4", goes on to other shapes), masked when
 * isVariableWord says so; it tried ~20 shapes on the way (a third of such a line's cost).
 */
function dashNumberWordEnd(line: string, at: number): number {
  const c0 = line.charCodeAt(at);
  if (c0 < 97 || c0 > 122 || isFieldValueStart(line, at)) return -1;
  const n = line.length;
  let e = at + 1;
  for (let c = line.charCodeAt(e); (c >= 97 && c <= 122) || isDigitCode(c); c = line.charCodeAt(++e));
  if (line.charCodeAt(e) !== 0x2d /* - */) return -1;
  const digits = ++e;
  while (e < n && isDigitCode(line.charCodeAt(e))) e++;
  if (e === digits) return -1;
  return e === n || classOf(line.charCodeAt(e)) === SPACE ? e : -1;
}

/**
 * End (after the '>') of a name glued to angle brackets, `Name<value>` (a C++ object
 * printed with its address, a generic type `List<String>`), or -1: the name starts with a
 * capital and holds letters and digits only (2 to 64), the brackets hold one word of letters,
 * digits, '.', '_' or ':' (up to 64), and a delimiter, '(' or whitespace or the end follows.
 */
function angledNameEnd(line: string, at: number): number {
  const c0 = line.charCodeAt(at);
  if (c0 < 65 || c0 > 90) return -1;
  let e = at + 1;
  while (e < line.length && e - at <= 64 && (isLetterCode(line.charCodeAt(e)) || isDigitCode(line.charCodeAt(e)))) e++;
  if (e - at < 2 || line.charCodeAt(e) !== 0x3c /* < */) return -1;
  const open = e;
  e++;
  while (e < line.length && e - open <= 64) {
    const c = line.charCodeAt(e);
    if (!isLetterCode(c) && !isDigitCode(c) && c !== 0x2e && c !== 0x5f && c !== 0x3a) break;
    e++;
  }
  if (e === open + 1 || line.charCodeAt(e) !== 0x3e /* > */) return -1;
  const after = e + 1 < line.length ? line.charCodeAt(e + 1) : 0x20;
  return classOf(after) !== 0 ? e + 1 : -1;
}

/**
 * End of a whole number (ASCII digits only) at `at`, or -1: the fast path for
 * numbers, on the terms of plainWordEnd. Not when what follows one space may be a
 * unit (mayOpenUnitWord: a worded duration "3 min 12 sec" or a size "12 MB" is one
 * value), nor before ':' (a time, an address), '[' (an indexed number), ',' (a
 * comma-joined list) or '@'.
 */
function plainNumberEnd(line: string, at: number): number {
  if (!isDigitCode(line.charCodeAt(at)) || isFieldValueStart(line, at)) return -1;
  const n = line.length;
  let e = at + 1;
  while (e < n && isDigitCode(line.charCodeAt(e))) e++;
  if (e === n) return e;
  const next = line.charCodeAt(e);
  const cls = classOf(next);
  if (cls === SPACE) return next === 0x20 && e + 1 < n && mayOpenUnitWord(line.charCodeAt(e + 1)) ? -1 : e;
  return cls === DELIM && next !== 0x3a /* : */ && next !== 0x40 /* @ */ && next !== 0x5b /* [ */ && next !== 0x2c /* , */ ? e : -1;
}

/**
 * Whether a word starting with `c`, one space after a whole number, may be the number's
 * unit: a time unit of WORDED_DURATION (d, h, m, s) or a size of SIZE_UNIT (K M G T P E
 * then B, or B). Only those make the general path read past the number; any other word
 * after it ("4567 cents") leaves the number a value of its own.
 */
function mayOpenUnitWord(c: number): boolean {
  return c === 0x64 /* d */ || c === 0x68 /* h */ || c === 0x6d /* m */ || c === 0x73 /* s */ || c === 0x42 /* B */ || c === 0x4b /* K */ || c === 0x4d /* M */ || c === 0x47 /* G */ || c === 0x54 /* T */ || c === 0x50 /* P */ || c === 0x45 /* E */;
}

/**
 * End of a run of code locations of methods joined by single spaces, the first at [at, colon) +
 * ':' + line number, or -1; the run stops at `limit` (the characters the tokenizer examines). A
 * code location is a qualified method name, package segments then a class (capitalised) then the
 * method (not capitalised): com.example.net.Pool.acquire:88.
 */
function methodLocationRunEnd(line: string, at: number, colon: number, limit: number): number {
  let end = methodLocationEnd(line, at, colon);
  if (end < 0) return -1;
  while (end + 1 < limit && line.charCodeAt(end) === 0x20) {
    let nextColon = end + 1;
    while (nextColon < limit && classOf(line.charCodeAt(nextColon)) === 0) nextColon++;
    if (line.charCodeAt(nextColon) !== 0x3a) break;
    const next = methodLocationEnd(line, end + 1, nextColon);
    if (next < 0) break;
    end = next;
  }
  return end;
}

/** End of one code location (methodLocationRunEnd) whose name is [at, colon), or -1. */
function methodLocationEnd(line: string, at: number, colon: number): number {
  let segments = 0;
  let classSeen = false;
  let segmentStart = at;
  for (let k = at; k <= colon; k++) {
    const c = k === colon ? 0x2e : line.charCodeAt(k);
    if (c !== 0x2e /* . */) {
      if (!(isLetterCode(c) || isDigitCode(c) || c === 0x5f /* _ */ || c === 0x24) /* $ */) return -1;
      continue;
    }
    if (k === segmentStart || !isLetterCode(line.charCodeAt(segmentStart))) return -1;
    const upper = isUpperCode(line.charCodeAt(segmentStart));
    if (segments === 0 && upper) return -1; // a package first
    if (k === colon && (upper || !classSeen)) return -1; // a method of a class last
    if (upper) classSeen = true;
    segments++;
    segmentStart = k + 1;
  }
  if (segments < 3) return -1;
  let e = colon + 1;
  while (e < line.length && isDigitCode(line.charCodeAt(e))) e++;
  return e === colon + 1 || (e < line.length && classOf(line.charCodeAt(e)) === 0) || line.charCodeAt(e) === 0x3a ? -1 : e;
}

/** The number at `at` has a letter glued after it (a unit: "689ms", "5s401ms"). */
function isUnitGluedAfter(line: string, at: number): boolean {
  return isLetterCode(line.charCodeAt(decimalEnd(line, at)));
}

/** A '+' at `at` followed by a digit: inside a word that starts with a digit, it joins two values ("326ms+151ms"). */
function isValuesPlus(line: string, at: number): boolean {
  return line.charCodeAt(at) === 0x2b /* + */ && at + 1 < line.length && isDigitCode(line.charCodeAt(at + 1));
}

/** `at` follows '=' or '"': a `KEY=` or `key="…"` value, which may hold spaces (the slow path decides). */
function isFieldValueStart(line: string, at: number): boolean {
  if (at === 0) return false;
  const before = line.charCodeAt(at - 1);
  return before === 0x3d /* = */ || before === 0x22 /* " */;
}

function emptyKeepingCapacity(a: unknown[]): void {
  while (a.length > 0) a.pop();
}

const scratchPieces: Pieces = { line: '', words: [], masked: [], seps: [], sepStart: 0 };

/**
 * Tokenises into `target`, reusing its arrays (no per-line array allocation
 * on the hot path). Whatever the caller keeps from `target` must be copied
 * before the next call.
 */
export function tokenizeInto(line: string, options: TokenizerOptions, target: TokenizedLine): TokenizedLine {
  const words = target.words;
  const masked = target.masked;
  const seps = target.seps;
  // Emptied by pop(), not `length = 0`: V8 frees the backing store of an array set to length 0,
  // so every line would allocate its three arrays again (a fifth of the miner's allocation).
  emptyKeepingCapacity(words);
  emptyKeepingCapacity(masked);
  emptyKeepingCapacity(seps);
  const n = line.length;
  const maxWords = Math.max(1, options.maxWords);
  const maskKeywords = options.maskKeywords;
  // Looked up once, on first need (most lines never need them): -1 unknown, 0 no, 1 yes.
  let hasComma = -1; // most lines have none: no comma-joined list to look for
  let hasFieldRecord = -1; // sudo's "TTY=… ; PWD=… ; USER=… ; COMMAND=…" records
  let openingEnd = -1; // openingWordEnd, once a key="…" needs it
  const out = scratchPieces;
  out.line = line;
  out.words = words;
  out.masked = masked;
  out.seps = seps;
  out.sepStart = 0;
  let i = 0;
  let limit = n;
  if (n > options.maxLineLength) {
    limit = Math.max(0, options.maxLineLength);
    while (limit > 0 && classOf(line.charCodeAt(limit)) !== SPACE) limit--;
  }

  const runScan = scratchRunScan;
  runScan.reprScanEnd = -1;
  runScan.labelRecord = -1;
  while (i < limit) {
    const c = line.charCodeAt(i);
    if (classOf(c) !== 0) {
      if ((c === 0x22 || c === 0x27) /* " ' */ && isEmptyQuotedValue(line, i) && words.length < maxWords - 1) {
        // realm "", [l:0]"": an empty quoted value is a value (empty), as the same field's text on other lines
        emit(out, i + 1, i + 1, true, '');
        i += 2;
        continue;
      }
      if (c === 0x5b /* [ */ && i > 0 && line.charCodeAt(i - 1) === 0x2d /* - */ && words.length < maxWords - 1) {
        // node-[131-155], node-[830]: after a name's dash, the numbers and ranges in brackets are one value
        const close = rangeInBracketsEnd(line, i + 1, 0);
        if (close > 0) {
          emit(out, i + 1, close, true);
          i = close;
          continue;
        }
      }
      if (c === 0x5b /* [ */ && words.length < maxWords - 1) {
        const end = runValueAt(line, i, c, limit, runScan);
        if (end > 0) {
          emit(out, runScan.start, end, runScan.masked);
          i = end;
          continue;
        }
      }
      // "::1", "::ffff:10.0.0.1": an IPv6 address may start with the ':' delimiter
      if (c === 0x3a && i + 1 < n && line.charCodeAt(i + 1) === 0x3a && words.length < maxWords - 1) {
        const end = spanAt(line, i);
        if (end > 0) {
          emit(out, i, end, true);
          i = end;
          continue;
        }
      }
      i++;
      continue;
    }
    if (c === 0x2b /* + */ && isDigitCode(line.charCodeAt(i + 1)) && (i === 0 || classOf(line.charCodeAt(i - 1)) !== 0) && isUnitGluedAfter(line, i + 1)) {
      // "Displayed …: +689ms": a plus before a duration that starts a word is the program's mark, not the value's
      // (a signed number alone, "+0100", keeps its sign as "-0700" does)
      i++;
      continue;
    }
    if (words.length >= maxWords - 1) {
      // the tail becomes one variable; keeps per-line work and template size bounded
      emit(out, i, n, true);
      i = n;
      break;
    }
    // (cheap tests first: most words start no run)
    if ((runScan.labelRecord !== 0 && line.charCodeAt(i - 2) === 0x3a && line.charCodeAt(i - 1) === 0x20) || (line.charCodeAt(i + 2) === 0x20 && isHexCode(c))) {
      const end = runValueAt(line, i, c, limit, runScan);
      if (end > 0) {
        emit(out, runScan.start, end, runScan.masked);
        i = end;
        continue;
      }
    }
    const plainEnd = plainWordEnd(line, i);
    if (plainEnd > 0) {
      // most words are letters only: none of the value shapes below can start with one
      const word = line.slice(i, plainEnd);
      emit(out, i, plainEnd, isPlainWordVariable(word, maskKeywords) && !isCallFlag(line, i, plainEnd), word);
      i = plainEnd;
      continue;
    }
    // letters and digits up to whitespace ("u123", "eth0", "x86"), or a lower-case name, a dash and a
    // number ("worker-3", "web-01"): one word, which no value shape below would take apart
    const alnumEnd = alnumWordEnd(line, i);
    const oneWordEnd = alnumEnd > 0 ? alnumEnd : dashNumberWordEnd(line, i);
    if (oneWordEnd > 0) {
      const word = line.slice(i, oneWordEnd);
      emit(out, i, oneWordEnd, isVariableWord(word, maskKeywords), word);
      i = oneWordEnd;
      continue;
    }
    const angle = angledNameEnd(line, i); // (a word of letters glued to '<' is no plain word: looked at after them)
    if (angle > 0) {
      // "IOThunderboltSwitch<0x1fd7>(0x9)::listenerCallback": a name, then what its angle brackets hold
      const lt = line.indexOf('<', i);
      const name = line.slice(i, lt);
      const inner = line.slice(lt + 1, angle - 1);
      emit(out, i, lt, isVariableWord(name, maskKeywords), name);
      emit(out, lt + 1, angle - 1, isVariableWord(inner, maskKeywords), inner);
      i = angle;
      continue;
    }
    const numberEnd = plainNumberEnd(line, i);
    if (numberEnd > 0) {
      emit(out, i, numberEnd, true); // a whole number is always a value
      i = numberEnd;
      continue;
    }
    if ((c === 0x76 || c === 0x56) /* v V */ && isDottedVersionAfter(line, i + 1)) {
      // a version written after its letter keeps the letter: "v10.0.6424" -> "v" and the value
      emit(out, i, i + 1, false);
      i++;
      continue;
    }
    if (c === 0x3c /* < */) {
      // an address in angle brackets ("from=<ann@example.org>", a local host's "<ann@peg146>",
      // a message id "<2005.k1K9@shuru-sn296>"): the brackets are punctuation, the address one value
      const end = stickyMatchEnd(ANGLED_ADDRESS, line, i + 1);
      if (end > 0 && line.charCodeAt(end) === 0x3e /* > */ && isBoundary(line, end + 1)) {
        emit(out, i + 1, end, true);
        i = end + 1;
        continue;
      }
      // an address in angle brackets ("[<ffffffff8012b7f7>]", a kernel call trace's frame): the brackets are punctuation
      const inner = angledHexEnd(line, i + 1);
      if (inner > 0) {
        emit(out, i + 1, inner, true);
        i = inner + 1;
        continue;
      }
      // numbers joined by commas in angle brackets ("torus coordinates <0,3,1>", a tuple): the brackets and commas
      // are punctuation, each number a value, as the same numbers in parentheses are
      const listEnd = angledNumberListEnd(line, i);
      if (listEnd > 0) {
        for (let k = i + 1; k < listEnd; ) {
          let e = k;
          while (isDigitCode(line.charCodeAt(e))) e++;
          emit(out, k, e, true);
          k = e + 1;
        }
        i = listEnd + 1;
        continue;
      }
      // one word in angle brackets on its own after a word of the message ("Job <1234> is submitted to queue
      // <normal>", "at <init>"): the brackets are punctuation around the word, as brackets around any value are.
      // After a value it marks that value, as a state beside each item of a list ("node-3 0x8fd8 <ok> node-9 …"),
      // and stays one word with its brackets
      const close = masked.length > 0 && masked[masked.length - 1] ? -1 : angledWordEnd(line, i);
      if (close > 0) {
        const word = line.slice(i + 1, close);
        emit(out, i + 1, close, isVariableWord(word, maskKeywords), word);
        i = close + 1;
        // the next words of a chain (<task>.<attempt>): each one word, the brackets and dots punctuation
        for (let link = angledLinkEnd(line, i); link > 0; link = angledLinkEnd(line, i)) {
          const next = line.slice(i + 2, link);
          emit(out, i + 2, link, isVariableWord(next, maskKeywords), next);
          i = link + 1;
        }
        continue;
      }
    }
    const afterEquals = i >= 2 && line.charCodeAt(i - 1) === 0x3d;
    if (afterEquals && hasFieldRecord < 0) hasFieldRecord = line.indexOf(' ; ') >= 0 ? 1 : 0;
    const fieldEnd = afterEquals && hasFieldRecord === 1 ? spacedFieldValueEnd(line, i) : -1;
    if (fieldEnd > 0) {
      // "PWD=/home/ana/My Files ; USER=…": in a record of KEY=value fields joined by " ; ", a value runs to the next " ; "
      emit(out, i, fieldEnd, true);
      i = fieldEnd;
      continue;
    }
    const keyed = i >= 2 && line.charCodeAt(i - 1) === 0x22 && line.charCodeAt(i - 2) === 0x3d;
    if (keyed && openingEnd < 0) openingEnd = openingWordEnd(line);
    const quotedEnd = keyed && (openingEnd === 0 || i - 2 !== openingEnd) ? quotedTextEnd(line, i, true) : -1;
    if (quotedEnd > 0) {
      // key="a phrase, or ns/name": what a program quotes for its key is one value (a word, not masked)
      emit(out, i, quotedEnd, false);
      i = quotedEnd;
      continue;
    }
    const quotedToken = !keyed && i >= 1 && line.charCodeAt(i - 1) === 0x22 && (i === 1 || classOf(line.charCodeAt(i - 2)) === SPACE) ? quotedTextEnd(line, i, false) : -1;
    if (quotedToken > 0) {
      // Pulling image "quay.io/ns/name:v1.2": a quoted text without spaces is one value however its punctuation
      // cuts it; masked at once when it has a digit, as its pieces would have been
      const text = line.slice(i, quotedToken);
      emit(out, i, quotedToken, hasDigit(text), text);
      i = quotedToken;
      continue;
    }
    const afterSpace = i === 0 || classOf(line.charCodeAt(i - 1)) === SPACE;
    if (hasComma < 0 && afterSpace) hasComma = line.indexOf(',') >= 0 ? 1 : 0;
    const listEnd = hasComma === 1 && afterSpace ? commaListEnd(line, i) : -1;
    if (listEnd > 0) {
      // "a.pkg,b.pkg,c.pkg": a comma-joined list is one value whatever its length
      emit(out, i, listEnd, true);
      i = listEnd;
      continue;
    }
    const nameEnd = gluedNameEnd(line, i);
    if (nameEnd > 0) {
      // a word glued before a number or a UUID names it: "core.2275" -> "core" "." and the number
      emit(out, i, nameEnd, false);
      i = nameEnd + 1; // the mark is a separator
      continue;
    }
    const spanEnd = spanAt(line, i);
    if (spanEnd > 0) {
      emit(out, i, spanEnd, true);
      i = spanEnd;
      continue;
    }
    // the word runs to whitespace or a delimiter; one that starts with a digit ends before a
    // '+' and a digit ("326ms+151ms", "2+3": two values, the '+' a separator). Cut while
    // scanning: a chain of n values is read once, not once per value (O(n) instead of O(n²))
    const plusEnds = isDigitCode(c);
    let plus = -1;
    let j = i;
    let slashes = 0; // '/' and '\\' met on the way: only such words can be the paths below
    while (j < n) {
      const cj = line.charCodeAt(j);
      if (classOf(cj) !== 0) break;
      if (cj === 0x2f || cj === 0x5c) slashes++;
      if (plusEnds && j > i && isValuesPlus(line, j)) {
        plus = j;
        break;
      }
      j++;
    }

    // a base64 or hex digest with its '=' padding ("b:lgBzwR/HGVr+4kU2Pc9aFqwI0Lk="): one value, padding included
    const digestEnd = line.charCodeAt(j) === 0x3d /* = */ ? paddedDigestEnd(line, i, j) : -1;
    if (digestEnd > 0) {
      emit(out, i, digestEnd, true);
      i = digestEnd;
      continue;
    }

    // a call stack printed as code locations ("called by com.android.server.wm.Wm.destroy:2014 com.…:881"):
    // one value of any length, as a stack's frames are; a host name before its port has no class segment
    if (j + 1 < n && line.charCodeAt(j) === 0x3a && isDigitCode(line.charCodeAt(j + 1))) {
      const end = methodLocationRunEnd(line, i, j, limit);
      if (end > 0) {
        emit(out, i, end, true);
        i = end;
        continue;
      }
    }

    // URL: scheme "://" rest
    if (
      j + 2 < n &&
      line.charCodeAt(j) === 0x3a &&
      line.charCodeAt(j + 1) === 0x2f &&
      line.charCodeAt(j + 2) === 0x2f &&
      URL_SCHEME.test(line.slice(i, j))
    ) {
      const restStart = j + 3;
      let restEnd = restStart;
      while (restEnd < n) {
        const c = line.charCodeAt(restEnd);
        if (classOf(c) === SPACE) break;
        if (c === 0x22 || c === 0x27 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d) break; // " ' < > [ ]
        if (c === 0x28 || c === 0x29 || c === 0x7b || c === 0x7d || c === 0x7c || c === 0x2c) break; // ( ) { } | ,
        restEnd++;
      }
      while (restEnd > restStart && '.;:!?'.indexOf(line[restEnd - 1]) >= 0) restEnd--;
      if (restEnd > restStart) {
        emit(out, i, j, false);
        const rest = line.slice(restStart, restEnd);
        const authority = HOST_AND_PORT.exec(rest);
        if (authority !== null) {
          // host and port are two values, a '/' closing them is punctuation (http://<*>:<*>/); a URL with a
          // path after them stays one value (hdfs://<*>, as the corrected Loghub templates have it)
          const colon = restStart + authority[1].length;
          emit(out, restStart, colon, true);
          emit(out, colon + 1, colon + 1 + authority[2].length, true);
        } else {
          emit(out, restStart, restEnd, true);
        }
        i = restEnd;
        continue;
      }
    }

    // a key's value that is an object reference (c=android.app.LoadedApk$ReceiverDispatcher@30c8308): one
    // value as the key's other values are (c=null); elsewhere the class stays a word (Event@<*>)
    if (j < n && line.charCodeAt(j) === 0x40 /* @ */ && i > 0 && line.charCodeAt(i - 1) === 0x3d /* = */) {
      const end = keyedReferenceEnd(line, j);
      if (end > 0) {
        emit(out, i, end, true);
        i = end;
        continue;
      }
    }
    // e-mail address
    if (j < n && line.charCodeAt(j) === 0x40 /* @ */) {
      const end = stickyMatchEnd(EMAIL, line, i);
      if (end > j && isBoundary(line, end)) {
        emit(out, i, end, true);
        i = end;
        continue;
      }
    }

    if (isPathStart(line, i, j)) {
      const end = beforeSentenceDots(line, i, queryStringEnd(line, i, quotedPathEnd(line, i, pathContinuation(line, j, line.charCodeAt(i) === 0x5c ? 0x5c : 0x2f))));
      emit(out, i, end, true);
      i = end;
      continue;
    }
    // a registry key or path of names joined by backslashes (HKLM\SOFTWARE\Acme, Windows NT's key names with
    // spaces included), or one backslash all a quoted text holds ('HKLM\COMPONENTS'): one value, as a path
    // from '\' is; one backslash elsewhere (DOMAIN\user) stays one word
    const backslashes = slashes > 0 && isLetterCode(c) ? backslashesIn(line, i, j) : 0;
    if (backslashes >= 2 || (backslashes === 1 && isBetweenQuotes(line, i, j))) {
      const end = quotedPathEnd(line, i, pathContinuation(line, j, 0x5c));
      emit(out, i, end, true);
      i = end;
      continue;
    }
    // a relative path to a file ("mm/slab.c", "src/app/main.py") or of numbered names ("isa0060/serio1", a
    // device's bus path): one value, as an absolute path is
    const fileEnd = slashes > 0 ? relativeFilePathEnd(line, i, j) : -1;
    if (fileEnd > 0) {
      emit(out, i, fileEnd, true);
      i = fileEnd;
      continue;
    }
    // a drive-letter path: C:\dir\file, D:/dir
    if (j === i + 1 && j + 2 < n && line.charCodeAt(j) === 0x3a && isLetterCode(line.charCodeAt(i))) {
      const slash = line.charCodeAt(j + 1);
      if ((slash === 0x5c || slash === 0x2f) && classOf(line.charCodeAt(j + 2)) === 0) {
        let e = j + 2;
        while (e < n && classOf(line.charCodeAt(e)) === 0) e++;
        const end = quotedPathEnd(line, i, pathContinuation(line, e, slash));
        emit(out, i, end, true);
        i = end;
        continue;
      }
    }

    // an IPv4 network with its prefix length (10.2.238.0/24): one value, as the address alone is
    const networkEnd = stickyMatchEnd(IPV4_NETWORK, line, i);
    if (networkEnd === j) {
      emit(out, i, j, true);
      i = j;
      continue;
    }
    // a protocol with its version (HTTP/1.1, SPDY/3): one constant word, as a name with a version is
    const versionEnd = protocolVersionEnd(line, i, j);
    if (versionEnd > 0) {
      emit(out, i, versionEnd, false);
      i = versionEnd;
      continue;
    }
    // split at '/' runs (not inside package/.Component); trailing dots of the last piece are separators,
    // as is a leader of three dots or more before a value ("fp cr update ..........0")
    let pieceStart = i;
    if (line.charCodeAt(i) === 0x2e && line.charCodeAt(i + 1) === 0x2e && line.charCodeAt(i + 2) === 0x2e) {
      while (pieceStart < j && line.charCodeAt(pieceStart) === 0x2e) pieceStart++;
    }
    while (pieceStart < j) {
      let pieceEnd = pieceStart;
      while (pieceEnd < j && (line.charCodeAt(pieceEnd) !== 0x2f || isRelativeName(line, pieceStart, pieceEnd, j))) pieceEnd++;
      let wordEnd = pieceEnd;
      if (pieceEnd === j) {
        while (wordEnd > pieceStart && line.charCodeAt(wordEnd - 1) === 0x2e) wordEnd--;
        if (line.charCodeAt(wordEnd - 1) === 0x21 /* ! */) wordEnd = beforeExclaimedNumberEnd(line, pieceStart, wordEnd);
      }
      if (wordEnd > pieceStart) {
        if (words.length >= maxWords - 1) {
          emit(out, pieceStart, n, true);
          pieceStart = j = n;
          break;
        }
        const word = line.slice(pieceStart, wordEnd);
        if (wordEnd === j && j < n && line.charCodeAt(j) === 0x3d /* = */ && opensValueAfterEquals(line, j)) {
          // a value glued to the next key ("chan=11rssi=-70"): the number (a value), then the key;
          // a key with an index ("fpr31=", "r3="): the key's name, then its index (a value);
          // not padding that ends a base64 or hex digest ("b:95b2f51e=} ", "…0Lk=="): no value after it
          const glued = GLUED_KEY.exec(word);
          const indexed = glued === null ? INDEXED_KEY.exec(word) : null;
          if (glued !== null || indexed !== null) {
            const cut = pieceStart + (glued !== null ? word.length - glued[1].length : indexed![1].length);
            emit(out, pieceStart, cut, glued !== null);
            emit(out, cut, wordEnd, glued === null);
            pieceStart = pieceEnd;
            while (pieceStart < j && line.charCodeAt(pieceStart) === 0x2f) pieceStart++;
            continue;
          }
        }
        // a boolean as a call's only argument ("setInteractive(true)"): the code path's own constant
        const isMasked =
          isVariableWord(word, maskKeywords) && !isCallFlag(line, pieceStart, wordEnd) && !isScopeName(line, pieceStart, wordEnd) && !isDigestLabel(line, pieceStart, wordEnd);
        if (isMasked && wordEnd === j && j < n && line.charCodeAt(j) === 0x20 && isDecimalNumber(word)) {
          // a data size with its unit is one value: "5.2 KB"
          const unitEnd = stickyMatchEnd(SIZE_UNIT, line, j + 1);
          if (unitEnd > 0 && isBoundary(line, unitEnd)) {
            emit(out, pieceStart, unitEnd, true);
            j = unitEnd;
            break;
          }
        }
        emit(out, pieceStart, wordEnd, isMasked, word);
      }
      pieceStart = pieceEnd;
      while (pieceStart < j && line.charCodeAt(pieceStart) === 0x2f) pieceStart++;
    }
    i = plus > 0 && j === plus ? j + 1 : j;
  }
  if (limit < n) {
    // past maxLineLength: the rest after the whitespace character at the cut is one variable
    let tail = Math.max(limit, out.sepStart);
    if (tail < n && classOf(line.charCodeAt(tail)) === SPACE) tail++;
    if (tail < n) emit(out, tail, n, true);
  }
  seps.push(line.slice(out.sepStart));
  out.line = '';
  maskDatePieces(words, masked, seps);
  if (!isWellFormed(line)) maskIllFormedWords(words, masked);
  target.skeletonHash = skeletonHashOf(seps);
  return target;
}

/**
 * 32-bit FNV-1a hash of the skeleton of `seps` (each whitespace run counted as
 * one space, a boundary mark between separators), computed without building
 * the skeleton strings. Equal skeletons give equal hashes; callers verify
 * with skeletonOf on a hit.
 */
export function skeletonHashOf(seps: readonly string[]): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < seps.length; k++) {
    const sep = seps[k];
    let inSpace = false;
    for (let i = 0; i < sep.length; i++) {
      const c = sep.charCodeAt(i);
      if (classOf(c) === SPACE) {
        if (!inSpace) h = Math.imul(h ^ 0x20, 0x01000193);
        inSpace = true;
      } else {
        h = Math.imul(h ^ c, 0x01000193);
        inSpace = false;
      }
    }
    h = Math.imul(h ^ 0x10000, 0x01000193); // boundary: not a UTF-16 code unit
  }
  return h >>> 0;
}

/** A separator with each whitespace run reduced to one space (the bucket key ignores whitespace widths). */
export function skeletonOf(sep: string): string {
  const n = sep.length;
  let canonical = true; // only single ' ' as whitespace runs
  for (let i = 0; i < n && canonical; i++) {
    const c = sep.charCodeAt(i);
    if (classOf(c) === SPACE) {
      canonical = c === 0x20 && (i + 1 >= n || classOf(sep.charCodeAt(i + 1)) !== SPACE);
    }
  }
  if (canonical) return sep;
  let out = '';
  let inSpace = false;
  for (let i = 0; i < n; i++) {
    const c = sep.charCodeAt(i);
    if (classOf(c) === SPACE) {
      if (!inSpace) out += ' ';
      inSpace = true;
    } else {
      out += sep[i];
      inSpace = false;
    }
  }
  return out;
}

/** True when every character of s[from, to) is whitespace. */
export function isWhitespace(s: string, from = 0, to = s.length): boolean {
  for (let i = from; i < to; i++) if (classOf(s.charCodeAt(i)) !== SPACE) return false;
  return true;
}

/** ES2024 String.prototype.isWellFormed (Node 20 has it; the project's lib setting is ES2022): no lone surrogate. */
function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * A word holding a lone surrogate is a value: template ids hash a template's text as
 * UTF-8 (templateIdOf), where every lone surrogate is U+FFFD, so two constants that
 * differ only in one would share an id and one text, and a line would render as the
 * other's. Separators never hold one (surrogates are word characters: classOf).
 */
function maskIllFormedWords(words: readonly string[], masked: boolean[]): void {
  for (let k = 0; k < words.length; k++) if (!masked[k] && !isWellFormed(words[k])) masked[k] = true;
}

/**
 * Month and weekday names next to a number (or to another such name next to
 * one) are pieces of a date: "Tue Mar 4", "on Apr 12 10:11:12". Right to left
 * first, so "Mon Jun 14" masks Jun, then Mon.
 */
function maskDatePieces(words: readonly string[], masked: boolean[], seps: readonly string[]): void {
  const n = words.length;
  for (let k = n - 1; k >= 0; k--) {
    if (!masked[k] && k + 1 < n && isDatePiece(words, masked, k + 1) && seps[k + 1].length > 0 && isWhitespace(seps[k + 1]) && isCalendarWord(words[k])) masked[k] = true;
  }
  for (let k = 1; k < n; k++) {
    if (!masked[k] && isDatePiece(words, masked, k - 1) && seps[k].length > 0 && isWhitespace(seps[k]) && isCalendarWord(words[k])) masked[k] = true;
  }
}

function isDatePiece(words: readonly string[], masked: readonly boolean[], k: number): boolean {
  return masked[k] && (isDigitCode(words[k].charCodeAt(0)) || isCalendarWord(words[k]));
}

function isLetterCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * Where a path ending at `end` really ends: a path may hold single spaces
 * ("/srv/My Reports/q3.txt") when the text after the space goes on with the
 * path's separator inside it ("Reports/q3.txt"), not at its start; up to
 * MAX_NAME_WORDS_IN_PATH capitalised words between (a directory name of several
 * words: "C:\Program Files\Acme Data Tools\x.dll") when a piece with the
 * separator inside follows them. Lower-case words end it ("/a/b copied to c/d").
 */
function pathContinuation(line: string, end: number, separator: number): number {
  const n = line.length;
  let plain = 0;
  let at = end;
  while (at + 1 < n && line.charCodeAt(at) === 0x20 && isPathChunkCode(line.charCodeAt(at + 1))) {
    let e = at + 1;
    let inner = false;
    while (e < n && isPathChunkCode(line.charCodeAt(e))) {
      if (line.charCodeAt(e) === separator && e > at + 1 && e + 1 < n && classOf(line.charCodeAt(e + 1)) === 0) inner = true;
      e++;
    }
    // another path after the space, bare or in parentheses ("/home/a (/export/a)"), is another value
    const opening = line.charCodeAt(at + 1) === 0x28 ? at + 2 : at + 1;
    if (line.charCodeAt(opening) === separator || protocolVersionEnd(line, at + 1, e) > 0) break;
    if (inner) {
      end = e;
      plain = 0;
    } else {
      const first = line.charCodeAt(at + 1);
      if (++plain > MAX_NAME_WORDS_IN_PATH || !((first >= 65 && first <= 90) || isDigitCode(first))) break;
      if (hasFileExtension(line, at + 1, e)) {
        // the last words are a file name with its extension ("…\Proxifier\Mux Stats.txt"): the path ends with it
        end = e;
        break;
      }
    }
    at = e;
  }
  return end;
}

/**
 * A path that opens a double-quoted text (`"C:\Users\ana\Profiles\Nouskim Chand.ppx"`) runs to the
 * closing quote when only words of path characters and single spaces are left before it (at
 * most MAX_NAME_WORDS_IN_PATH): the quotes say where it ends, as no guess about its last
 * words can. `end` otherwise.
 */
function quotedPathEnd(line: string, start: number, end: number): number {
  if (start === 0 || line.charCodeAt(start - 1) !== 0x22 || line.charCodeAt(end) === 0x22) return end;
  let spaces = 0;
  for (let k = end; k < line.length; k++) {
    const c = line.charCodeAt(k);
    if (c === 0x22) return k > end && line.charCodeAt(k - 1) !== 0x20 ? k : end;
    if (c === 0x20) {
      if (++spaces > MAX_NAME_WORDS_IN_PATH || line.charCodeAt(k + 1) === 0x20) return end;
    } else if (!isPathChunkCode(c) && c !== 0x5c && c !== 0x2f) return end;
  }
  return end;
}

/** A character of a directory name crossed by pathContinuation: word characters and parentheses (`Program Files (x86)`). */
function isPathChunkCode(c: number): boolean {
  return classOf(c) === 0 || c === 0x28 || c === 0x29;
}

/** Capitalised words of one directory name crossed by pathContinuation. */
const MAX_NAME_WORDS_IN_PATH = 3;

/** Backslashes in line[s..e) between two other characters (a separator of names, not an escape at either end). */
function backslashesIn(line: string, s: number, e: number): number {
  let n = 0;
  for (let k = s + 1; k < e - 1; k++) if (line.charCodeAt(k) === 0x5c && line.charCodeAt(k - 1) !== 0x5c && line.charCodeAt(k + 1) !== 0x5c) n++;
  return n;
}

/**
 * Where the '>' is of one word in angle brackets at `at` ('<', then letters, digits, '.', '_' or
 * '-', up to MAX_ANGLED_WORD, then '>'), after whitespace or the line's start and before a
 * boundary or the dot of a chain of such words (angledLinkEnd); or -1.
 */
function angledWordEnd(line: string, at: number): number {
  if (at > 0 && classOf(line.charCodeAt(at - 1)) !== SPACE) return -1;
  const e = angledInnerEnd(line, at);
  return e > 0 && (isBoundary(line, e + 1) || angledLinkEnd(line, e + 1) > 0) ? e : -1;
}

/**
 * Where the '>' of the next word of a chain of angle-bracketed words joined by dots is
 * ("Task <4F2A…>.<3> finished": the dot at `at`, then '<'), the chain ending at a boundary; or -1.
 */
function angledLinkEnd(line: string, at: number): number {
  if (line.charCodeAt(at) !== 0x2e /* . */) return -1;
  const e = angledInnerEnd(line, at + 1);
  return e > 0 && (isBoundary(line, e + 1) || angledLinkEnd(line, e + 1) > 0) ? e : -1;
}

/** The '>' closing a word (letters, digits, '.', '_', '-', up to MAX_ANGLED_WORD) after the '<' at `open`; or -1. */
function angledInnerEnd(line: string, open: number): number {
  if (line.charCodeAt(open) !== 0x3c /* < */) return -1;
  let e = open + 1;
  while (e < line.length && e - open <= MAX_ANGLED_WORD) {
    const c = line.charCodeAt(e);
    if (!isLetterCode(c) && !isDigitCode(c) && c !== 0x2e && c !== 0x5f && c !== 0x2d) break;
    e++;
  }
  return e > open + 1 && line.charCodeAt(e) === 0x3e /* > */ ? e : -1;
}

/**
 * Where the '>' of two or more whole numbers joined by single commas in angle brackets
 * ("<0,3,1>") is, the '<' at `at` after whitespace or the line's start and the '>' before
 * a boundary; or -1.
 */
function angledNumberListEnd(line: string, at: number): number {
  if (at > 0 && classOf(line.charCodeAt(at - 1)) !== SPACE) return -1;
  let e = at + 1;
  let numbers = 0;
  for (;;) {
    const start = e;
    while (e < line.length && isDigitCode(line.charCodeAt(e))) e++;
    if (e === start) return -1;
    numbers++;
    if (line.charCodeAt(e) !== 0x2c /* , */) break;
    e++;
  }
  return numbers >= 2 && line.charCodeAt(e) === 0x3e /* > */ && isBoundary(line, e + 1) ? e : -1;
}

/** Longest word angledWordEnd reads between angle brackets. */
const MAX_ANGLED_WORD = 64;

/** line[s..e) ends with a file extension: a dot after a character, then 1-4 letters or digits, a letter first. */
function hasFileExtension(line: string, s: number, e: number): boolean {
  let dot = e - 1;
  while (dot > s && e - dot <= 5 && line.charCodeAt(dot) !== 0x2e) dot--;
  if (dot <= s || line.charCodeAt(dot) !== 0x2e || dot === e - 1 || !isLetterCode(line.charCodeAt(dot + 1))) return false;
  for (let k = dot + 1; k < e; k++) if (!isLetterCode(line.charCodeAt(k)) && !isDigitCode(line.charCodeAt(k))) return false;
  return true;
}

/**
 * End of a relative path at [s, e), or -1: segments of letters, digits, '_', '-' and '.' joined
 * by single '/', the first starting with a letter, the last a file name with an extension
 * ("mm/slab.c", "src/app/main.py"), or every segment a numbered name ("isa0060/serio1",
 * everySegmentNumbered). Words joined by a slash otherwise ("read/write", "tcp/udp") stay words.
 */
function relativeFilePathEnd(line: string, s: number, e: number): number {
  // the cheap tests first: most words have no extension and end in no digit
  if (!isLetterCode(line.charCodeAt(s)) || !(hasFileExtension(line, s, e) || isDigitCode(line.charCodeAt(e - 1)))) return -1;
  let slashes = 0;
  let segmentStart = s;
  for (let k = s; k < e; k++) {
    const c = line.charCodeAt(k);
    if (c === 0x2f /* / */) {
      if (k === segmentStart) return -1;
      slashes++;
      segmentStart = k + 1;
    } else if (!isLetterCode(c) && !isDigitCode(c) && c !== 0x5f && c !== 0x2d && c !== 0x2e) return -1;
  }
  return slashes > 0 && (hasFileExtension(line, segmentStart, e) || everySegmentNumbered(line, s, e)) ? e : -1;
}

/** Every '/'-joined segment of line[s..e) is a numbered name: letters, then digits (isa0060/serio1). */
function everySegmentNumbered(line: string, s: number, e: number): boolean {
  let letters = 0;
  let digits = 0;
  for (let k = s; k <= e; k++) {
    const c = k === e ? 0x2f : line.charCodeAt(k);
    if (c === 0x2f) {
      if (letters === 0 || digits === 0) return false;
      letters = digits = 0;
    } else if (isDigitCode(c)) digits++;
    else if (!isLetterCode(c) || digits > 0) return false;
    else letters++;
  }
  return true;
}

/**
 * The '/' at `slash` joins a dotted name to a relative name in it
 * ("com.acme.app/.MainActivity": a component of a package): one name.
 */
function isRelativeName(line: string, start: number, slash: number, end: number): boolean {
  if (slash + 2 >= end || line.charCodeAt(slash + 1) !== 0x2e || !isLetterCode(line.charCodeAt(slash + 2))) return false;
  return line.slice(start, slash).indexOf('.') > 0;
}

/**
 * End of the identity hash after '@' at `at` (4 to 16 hex digits, then a boundary: Java's
 * Object.toString, Class@1b6d3586), or -1.
 */
function objectReferenceEnd(line: string, at: number): number {
  let e = at + 1;
  while (e < line.length && e - at - 1 < 16 && isHexCode(line.charCodeAt(e))) e++;
  return e - at - 1 >= 4 && isBoundary(line, e) ? e : -1;
}

/** Fewest hex digits after an '@' inside references run together (keyedReferenceEnd). */
const MIN_RUN_HASH = 6;

/**
 * End of a key's value that holds object references, from its first '@' at `at`: "Class@1b6d3586", or
 * references run together ("android.media.AudioManager@cf8c7f9com.vendor.app.d$5@9f5c1ae", as Android
 * prints a focus client) up to whitespace, ',' or ';'; or -1 when no '@' there is followed by an identity hash.
 */
function keyedReferenceEnd(line: string, at: number): number {
  const single = objectReferenceEnd(line, at);
  if (single > 0) return single;
  let e = at;
  while (e < line.length && classOf(line.charCodeAt(e)) !== SPACE && line.charCodeAt(e) !== 0x2c && line.charCodeAt(e) !== 0x3b) e++;
  // (each '@' of the value, the scan kept within it)
  for (let k = at; k < e; k++) {
    if (line.charCodeAt(k) !== 0x40 /* @ */) continue;
    let h = k + 1;
    while (h < e && isHexCode(line.charCodeAt(h))) h++;
    if (h - k - 1 >= MIN_RUN_HASH) return e;
  }
  return -1;
}

/** Longest list literal read as one value (and how far one start may scan). */
const MAX_LIST_LITERAL = 4096;

/**
 * Where the ']' closing the list literal opened at `open` stands, or minus
 * where the scan stopped when there is none: a literal of tuples, objects or
 * quoted strings, or lists of them (its first character after the '['s is '(', '{' and a quote, or a
 * quote, or u' / b' as Python 2 prints text: opensQuotedText), brackets balanced, quoted text skipped, whitespace
 * only after a ',' or ':' (outside quotes), the ']' followed by a boundary.
 */
function listLiteralEnd(line: string, open: number, limit: number): number {
  // a list of lists ([['ls', '-l'], ['cat']]): the first item of the innermost one decides
  let item = open + 1;
  while (item < limit && line.charCodeAt(item) === 0x5b /* [ */) item++;
  const first = line.charCodeAt(item);
  // objects with quoted keys ([{"id": …}], [{'id': …}], Python 2's [{u'id': …}]), not bracketed names ([{node-1}{10.0.0.1}])
  const objects = first === 0x7b /* { */ && opensQuotedText(line, item + 1);
  if (first !== 0x28 /* ( */ && !opensQuotedText(line, item) && !objects) return -open;
  const end = Math.min(limit, open + MAX_LIST_LITERAL);
  let depth = 0;
  let quote = 0;
  for (let k = open; k < end; k++) {
    const c = line.charCodeAt(k);
    if (quote !== 0) {
      if (c === quote) quote = 0;
      else if (c === 0x5c /* \ */) k++;
      continue;
    }
    if (c === 0x27 || c === 0x22) quote = c;
    else if (c === 0x5b || c === 0x28 || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x29 || c === 0x7d) {
      depth--;
      if (depth < 0) return -k;
      if (depth === 0) return c === 0x5d && isBoundary(line, k + 1) ? k : -k;
    } else if (classOf(c) === SPACE) {
      const before = line.charCodeAt(k - 1);
      if (before !== 0x2c && before !== 0x3a) return -k;
    }
  }
  return -end;
}

/** A quoted text opens at `at`: a quote, or u' / b' (and u" / b") as Python prints text and bytes. */
function opensQuotedText(line: string, at: number): boolean {
  const c = line.charCodeAt(at);
  if (c === 0x27 || c === 0x22) return true;
  const next = line.charCodeAt(at + 1);
  return (c === 0x75 || c === 0x62) /* u b */ && (next === 0x27 || next === 0x22);
}

/**
 * End of a protocol-and-version word at [start, end) — two or more capital
 * letters (a protocol's name is written so; "page/2" stays a name and a
 * number), one '/', a version of one to three short numbers joined by dots
 * (HTTP/1.1, SPDY/3), trailing sentence dots excluded — or -1. Such a word is the program's
 * constant (one protocol per event, Loghub-2.0 keeps it), not a path piece
 * and not a number.
 */
function protocolVersionEnd(line: string, start: number, end: number): number {
  let k = start;
  while (k < end && line.charCodeAt(k) >= 65 && line.charCodeAt(k) <= 90) k++;
  if (k - start < 2 || k + 1 >= end || line.charCodeAt(k) !== 0x2f) return -1;
  let e = end;
  while (e > k + 1 && line.charCodeAt(e - 1) === 0x2e) e--;
  return /^\d{1,2}(\.\d{1,2}){0,2}$/.test(line.slice(k + 1, e)) ? e : -1;
}

/**
 * End of a path's query string: a path whose last piece has a '?' ("/a/b?x=1&y=2")
 * goes on through the parameters ('=' and '&' included) up to whitespace,
 * a quote, a bracket, ',' or ';' — the same value, as a URL's query is part of
 * the URL. Trailing dots are sentence punctuation. `end` otherwise.
 */
function queryStringEnd(line: string, start: number, end: number): number {
  let q = end - 1;
  while (q > start && line.charCodeAt(q) !== 0x3f /* ? */ && line.charCodeAt(q) !== 0x2f) q--;
  if (line.charCodeAt(q) !== 0x3f) return end;
  const n = line.length;
  let e = end;
  while (e < n) {
    const c = line.charCodeAt(e);
    if (classOf(c) === SPACE || (classOf(c) === DELIM && c !== 0x3d /* = */ && c !== 0x26 /* & */ && c !== 0x3a /* : */)) break;
    e++;
  }
  while (e > end && line.charCodeAt(e - 1) === 0x2e) e--;
  return e;
}

/**
 * Digits with one decimal point ("5.2"). A decimal size is a humanised one: its
 * formatter picks the unit by magnitude ("93.0 B", "359.8 KB"), so the unit is
 * part of the value; an integer size is printed in a fixed unit ("585 MB"),
 * which stays a constant word.
 */
function isDecimalNumber(w: string): boolean {
  let dots = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c === 0x2e) dots++;
    else if (!isDigitCode(c)) return false;
  }
  return dots === 1 && w.length > 0;
}
