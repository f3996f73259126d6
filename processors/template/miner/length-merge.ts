/**
 * Length-insensitive grouping: one event whose word count varies.
 *
 * The miner compares lines word by word inside a skeleton (same word count,
 * same punctuation). Some events vary in length by construction:
 *
 *   spool flushed 12 records for tenant 3
 *   spool flushed 9 records (compacted 2 segments) for tenant 3    optional bracketed part
 *   lease granted owner= zone=north        /  owner=kestrel zone=north   empty vs non-empty field
 *   replicas chosen: ash for shard 7       /  ash, birch, cedar          list of varying length
 *   quorum members: ash birch                                           space-separated list up to a boundary
 *   The Gamus service stopped          /  The Vegyn Tityk Dyfear service stopped   a display name of capitalised words
 *
 * planLengthMerge aligns two patterns of different length (a template and a
 * new line's pattern) by their longest common prefix and suffix — the
 * bidirectional alignment Brain uses — and accepts the single differing gap
 * only when it has one of the shapes above; anything else (two events that
 * share a beginning and an end but say different things in between) stays
 * apart. The result is an "elastic" pattern: constant texts with variables
 * that match any text, including whitespace and punctuation, so a line
 * renders back exactly as constant + argument + constant ... (see globMatch).
 */

import { isClosedSetWord, isInflectedVerb, isPlainWord, WordKind, wordKindOf } from './masking';
import { isSpaceCode } from './tokenizer';

export interface TokenPattern {
  /** seps.length === words.length + 1; seps[k] precedes words[k]. */
  readonly seps: readonly string[];
  /** null = variable */
  readonly words: ReadonlyArray<string | null>;
  /** Per word: true for a variable that stands for an optional bracketed part (see ElasticPattern). */
  readonly optional?: ReadonlyArray<boolean>;
}

/** Separators that join list elements (compared with whitespace runs collapsed). */
function isListSeparator(sep: string): boolean {
  const s = collapse(sep);
  return s === ' ' || s === ',' || s === ', ' || s === ';' || s === '; ' || s === '|' || s === ' | ';
}

/** The separator with each whitespace run as one space (most separators already are: returned as they are). */
function collapse(sep: string): string {
  let plain = true;
  for (let k = 0; k < sep.length && plain; k++) {
    const c = sep.charCodeAt(k);
    if (c === 0x20) plain = k + 1 >= sep.length || sep.charCodeAt(k + 1) > 0x20;
    else if (c < 0x20 || c > 0x7e) plain = false;
  }
  return plain ? sep : sep.replace(/\s+/g, ' ');
}

function hasPunctuation(sep: string): boolean {
  return /[^\s]/.test(sep);
}

function isSeparatorChar(c: string): boolean {
  return !/[A-Za-z0-9_\u0080-\uffff]/.test(c);
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** One balanced bracketed group, optionally surrounded by whitespace: " (a b)". */
function isBracketedGroup(text: string): boolean {
  const t = text.trim();
  if (t.length < 2) return false;
  const close = CLOSER[t[0]];
  if (close === undefined || t[t.length - 1] !== close) return false;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === t[0]) depth++;
    else if (t[i] === close) {
      depth--;
      if (depth === 0 && i < t.length - 1) return false; // "(a) b (c)": two groups
    }
  }
  return depth === 0;
}

/**
 * Text of words [from, to) with the separators around them: seps[from] +
 * w[from] + … + seps[to]; a variable as `varText`, an optional one as that in
 * brackets (what it stands for).
 */
function gapText(p: TokenPattern, from: number, to: number, varText: string): string {
  let out = p.seps[from];
  for (let k = from; k < to; k++) {
    const w = p.words[k];
    out += (w ?? (p.optional?.[k] ? `(${varText})` : varText)) + p.seps[k + 1];
  }
  return out;
}

/**
 * An elastic pattern: constant texts; a variable between each two. A variable
 * made for an optional bracketed part (optional[k]) matches only nothing or
 * such a part ("", " (compacted 3 segments)"): "Server started<*>" must not
 * take "Server started on port 80".
 */
export interface ElasticPattern {
  readonly parts: string[];
  readonly optional: boolean[];
  /**
   * A merge of error sentences after the word at this index ("…: Broken pipe" / "…: Connection reset by
   * peer", planReasonTail): one value only once REASON_CROWD of them share the frame (the miner counts).
   */
  readonly reasonFrom?: number;
}

/**
 * Templates of one frame ending in different sentences after its last ': ' that make those sentences
 * one value: a few ("Broken pipe", "Connection reset by peer", "Link has been severed") are a system's
 * closed set of errors, each its own event; many are the errors of data, one value.
 */
export const REASON_CROWD = 5;

/** Whether the arguments of a glob match fit the pattern's optional variables. */
export function fitsOptional(optional: readonly boolean[] | undefined, args: readonly string[]): boolean {
  if (optional === undefined) return true;
  for (let k = 0; k < optional.length; k++) {
    if (!optional[k]) continue;
    const t = args[k].trim();
    if (t !== '' && !isBracketedGroup(t)) return false;
  }
  return true;
}

/** Accumulates constant text and variables into parts; adjacent variables become one. */
class PartsBuilder {
  readonly parts: string[] = [];
  readonly optional: boolean[] = [];
  private run = '';
  text(t: string): void {
    this.run += t;
  }
  variable(optional: boolean): void {
    if (this.parts.length > 0 && this.run === '') {
      // "<*>" then " (…)": one variable that is optional only if both were
      const last = this.optional.length - 1;
      this.optional[last] = this.optional[last] && optional;
      return;
    }
    this.parts.push(this.run);
    this.optional.push(optional);
    this.run = '';
  }
  done(): ElasticPattern {
    return { parts: [...this.parts, this.run], optional: this.optional };
  }
}

/** Placeholder for a variable when a pattern's text is built for matching (never in a log line's constants). */
const VAR_TEXT = '\u0000';

/** Raw text of a pattern with each variable as one VAR_TEXT character ("(VAR_TEXT)" when optional). */
export function patternText(p: TokenPattern): string {
  return gapText(p, 0, p.words.length, VAR_TEXT);
}

/**
 * Matches `text` against constant parts with "any text" between them
 * (leftmost for each middle part: for `*`-only patterns this finds a match
 * whenever one exists). Pushes the variable texts to `args` when given.
 */
export function globMatch(parts: readonly string[], text: string, args?: string[]): boolean {
  const n = parts.length;
  const first = parts[0];
  if (!text.startsWith(first)) return false;
  if (n === 1) return text.length === first.length;
  const last = parts[n - 1];
  const end = text.length - last.length;
  if (end < first.length || !text.endsWith(last)) return false;
  let pos = first.length;
  for (let k = 1; k < n - 1; k++) {
    const at = text.indexOf(parts[k], pos);
    if (at < 0 || at + parts[k].length > end) return false;
    args?.push(text.slice(pos, at));
    pos = at + parts[k].length;
  }
  args?.push(text.slice(pos, end));
  return true;
}

/** The elastic pattern of `p` with words [regionFrom, regionTo) and the separator text around them (less lead/trail) one variable. */
function elasticOf(p: TokenPattern, regionFrom: number, regionTo: number, lead: number, trail: number, optional: boolean, label?: WordRun): ElasticPattern | undefined {
  const out = new PartsBuilder();
  for (let k = 0; k < regionFrom; k++) {
    out.text(p.seps[k]);
    const w = p.words[k];
    if (w === null) out.variable(p.optional?.[k] ?? false);
    else out.text(w);
  }
  out.text(p.seps[regionFrom].slice(0, lead));
  out.variable(optional);
  if (label !== undefined && label.from > regionFrom && label.to < regionTo) {
    // a label inside the region ("wanted: <*> got: <*>"): the program's words between two values
    for (let t = label.from; t < label.to; t++) out.text(p.seps[t] + p.words[t]);
    out.text(p.seps[label.to]);
    out.variable(optional);
  }
  const after = p.seps[regionTo];
  out.text(after.slice(after.length - trail));
  for (let k = regionTo; k < p.words.length; k++) {
    if (k > regionTo) out.text(p.seps[k]);
    const w = p.words[k];
    if (w === null) out.variable(p.optional?.[k] ?? false);
    else out.text(w);
  }
  if (p.words.length > regionTo) out.text(p.seps[p.words.length]);
  return out.done();
}

const same = (a: string | null, b: string | null): boolean => a === b;

/**
 * A merge of `a` and `b` (different word counts) into one elastic pattern
 * matching both, or undefined when their difference is not one of the
 * length-varying shapes of the module comment. `minConstants`: constant words
 * that must stay outside the variable part.
 */
export function planLengthMerge(a: TokenPattern, b: TokenPattern, minConstants = 2): ElasticPattern | undefined {
  return (
    planQuotedText(a, b, minConstants) ??
    planReasonTail(a, b, minConstants) ??
    planOneGap(a, b, minConstants) ??
    (sharesEnoughWords(a, b, minConstants) ? planGaps(a, b, minConstants) : undefined)
  );
}

/**
 * Two patterns alike but for the text inside one pair of quotes or brackets,
 * which differs in two words or more ("Faiplor Fan Module <*>" / "Kraboax Power
 * Supply <*>", "status=bounced (mailbox full)" / "(user unknown here)"): that text
 * is one value (a program quotes, or puts in brackets, what it did not write
 * itself). One word changed inside otherwise equal brackets ("GET <*>" / "POST
 * <*>", "(Power Event)" / "(Lifecycle Event)") is no such thing: the sibling
 * groups decide. Brackets with the same text on both sides are passed over, as
 * are the quotes of a line's message (quotesTheMessage).
 */
function planQuotedText(a: TokenPattern, b: TokenPattern, minConstants: number): ElasticPattern | undefined {
  const n = Math.min(a.words.length, b.words.length);
  for (let k = 0; k <= n; k++) {
    if (a.seps[k] !== b.seps[k]) return undefined;
    const open = openingOf(a.seps[k]);
    if (open !== '' && k < n && !quotesTheMessage(a, k)) {
      const ea = enclosedEnd(a, k, open);
      const eb = enclosedEnd(b, k, open);
      if (ea < 0 || eb < 0) return undefined;
      if (!sameRun(a, k, ea, b, k, eb)) return enclosedMerge(a, b, k, ea, eb, minConstants);
    }
    if (k < n && !same(a.words[k], b.words[k])) return undefined;
  }
  return undefined;
}

/** Longest enclosed text that may be a program's label rather than text of data (enclosedMerge). */
const MAX_LABEL_WORDS = 2;

/** Some constant word of `p` in [from, to) is shaped like a program's own name (isClosedSetWord), not a verb (Killed). */
function holdsProgramWord(p: TokenPattern, from: number, to: number): boolean {
  for (let t = from; t < to; t++) {
    const w = p.words[t];
    if (w !== null && isClosedSetWord(w) && !isInflectedVerb(w)) return true;
  }
  return false;
}

/** Words [k, ea) of `a` and [k, eb) of `b` are enclosed texts that differ, the rest being equal: their merge, or undefined. */
function enclosedMerge(a: TokenPattern, b: TokenPattern, k: number, ea: number, eb: number, minConstants: number): ElasticPattern | undefined {
  // the same after the closing mark
  if (a.seps[ea] !== b.seps[eb] || !sameAfter(a, ea, b, eb)) return undefined;
  // inside: two words or more differ (word by word when of one length)
  if (ea === eb) {
    let differing = 0;
    for (let t = k; t < ea; t++) if (!same(a.words[t], b.words[t]) || a.seps[t + 1] !== b.seps[t + 1]) differing++;
    if (differing < 2) return undefined;
  } else if (Math.max(ea, eb) - k < 2) return undefined;
  // short texts (a word or two) with a word shaped like the program's own (ACPI, NVS) are its labels:
  // "(usable)" / "(ACPI NVS)" / "(ACPI data)" are a closed set of kinds, each its own event
  if (Math.max(ea, eb) - k <= MAX_LABEL_WORDS && (holdsProgramWord(a, k, ea) || holdsProgramWord(b, k, eb))) return undefined;
  // the marks around the text are structure too: one constant word besides them is enough
  if (!keepsConstantsOutside(a, k, ea, Math.min(minConstants, 1))) return undefined;
  return elasticOf(a, k, ea, a.seps[k].length, a.seps[ea].length, false);
}

/**
 * Two patterns alike up to a last ": " and each ending in a phrase after it that
 * the other does not have ("loader chdir(<*>) failed: no such directory" /
 * "failed: permission denied by policy"): the text a program appends after a
 * colon at the end of its message is the reason it was given (an error string,
 * a remote party's words), one value. Phrases are words joined by single spaces,
 * several words on one side at least.
 */
function planReasonTail(a: TokenPattern, b: TokenPattern, minConstants: number): ElasticPattern | undefined {
  const n = Math.min(a.words.length, b.words.length);
  let k = 0;
  let colon = -1;
  while (k < n && a.seps[k] === b.seps[k] && same(a.words[k], b.words[k])) {
    if (opensReason(a, k)) colon = k;
    k++;
  }
  if (k < n && a.seps[k] === b.seps[k] && opensReason(a, k)) colon = k;
  if (colon < 0) return undefined;
  const end = (p: TokenPattern): string => p.seps[p.words.length];
  if (end(a) !== end(b) || /\s/.test(end(a))) return undefined;
  // plain words only: a variable, a digit or a program-shaped word (JOB_SETUP) makes it a message of its own
  // an inflected verb (disconnected) is a phrase's word when the phrases differ in length
  // ("disconnected by user" / "Bye Bye"); of one length it is what changed ("session opened/closed for user X")
  const verbsAllowed = a.words.length !== b.words.length;
  const isPhrase = (p: TokenPattern): boolean => {
    if (p.words.length <= colon) return false;
    for (let t = colon; t < p.words.length; t++) {
      const w = p.words[t];
      if (w === null || /[^A-Za-z]/.test(w) || (t > colon && p.seps[t] !== ' ')) return false;
      if (isClosedSetWord(w) && !(verbsAllowed && p.words.length - colon > 1 && isInflectedVerb(w))) return false;
    }
    return true;
  };
  if (!isPhrase(a) || !isPhrase(b)) return undefined;
  // capitalised words on both sides name states ("System Sleep" / "System Dark Wake"), as capitalised openings do
  const titled = (p: TokenPattern): boolean => p.words.slice(colon).every((w) => w !== null && /^[A-Z]/.test(w));
  if (titled(a) && titled(b)) return undefined;
  // sentences of their own on both sides ("Broken pipe" / "Connection reset by peer": error strings) are one value
  // only among many (REASON_CROWD): a few are a system's closed set of errors, each its own event
  const sentence = (p: TokenPattern): boolean => opensSentence(p.words[colon]);
  // after a code or a value (not a colon) any texts are one value only among many: "[<*>] no errors
  // found" / "[<*>] partial output written" may be a program's own outcomes
  const afterColon = /:\s+$/.test(a.seps[colon]);
  const reasonFrom = (sentence(a) && sentence(b)) || !afterColon ? colon : undefined;
  const la = a.words.length - colon;
  const lb = b.words.length - colon;
  if (la < 2 && lb < 2) return undefined;
  if (la === lb) {
    // one word changed (session opened / closed, Associated / Disassociated) is the sibling groups' call
    let differing = 0;
    for (let t = colon; t < a.words.length; t++) if (a.words[t] !== b.words[t]) differing++;
    if (differing < 2) return undefined;
  }
  let kept = 0;
  for (let t = 0; t < colon; t++) if (a.words[t] !== null) kept++;
  if (kept < minConstants) return undefined;
  const plan = elasticOf(a, colon, a.words.length, a.seps[colon].length, end(a).length, false);
  return plan === undefined || reasonFrom === undefined ? plan : { ...plan, reasonFrom };
}

/**
 * Word k of `p` may open the reason a program appends: after ": " ("failed: no such directory"), or
 * after a code it prints in brackets ("failed: [<*>] Device or resource busy", "[Error Code <*>] Domain
 * not found"): what follows a code is its text; or after a value and ", " ("socket to <*>:<*>,
 * Connection timed out"): the text a program appends to the value it failed on.
 */
function opensReason(p: TokenPattern, k: number): boolean {
  if (k === 0) return false;
  const sep = p.seps[k];
  // (character tests, not regular expressions: called for every word of every candidate pair)
  let e = sep.length;
  while (e > 0 && isSpaceCode(sep.charCodeAt(e - 1))) e--; // the tokenizer's whitespace, which made the separator
  if (e === 0 || e === sep.length) return false; // no mark, or no whitespace after it
  const mark = sep.charCodeAt(e - 1);
  if (mark === 0x3a /* : */) return true;
  return ((mark === 0x5d /* ] */ && e === 1) || sep === ', ') && p.words[k - 1] === null;
}

/** From word `fa` of `a` and `fb` of `b` to the end: the same words and the same separators after each. */
function sameAfter(a: TokenPattern, fa: number, b: TokenPattern, fb: number): boolean {
  if (a.words.length - fa !== b.words.length - fb) return false;
  for (let t = 0; fa + t < a.words.length; t++) {
    if (!same(a.words[fa + t], b.words[fb + t]) || a.seps[fa + t + 1] !== b.seps[fb + t + 1]) return false;
  }
  return true;
}

/**
 * The constant words of `p` outside words [from, to) (those a merge keeps): at least
 * `min`, and at least half of all its constant words.
 */
function keepsConstantsOutside(p: TokenPattern, from: number, to: number, min: number): boolean {
  let kept = 0;
  let constants = 0;
  for (let t = 0; t < p.words.length; t++) {
    if (p.words[t] === null) continue;
    constants++;
    if (t < from || t >= to) kept++;
  }
  return kept >= min && kept * 2 >= constants;
}

/** Words [fa, ta) of `a` and [fb, tb) of `b`, with the separators between them, are the same. */
function sameRun(a: TokenPattern, fa: number, ta: number, b: TokenPattern, fb: number, tb: number): boolean {
  if (ta - fa !== tb - fb) return false;
  for (let t = 0; t < ta - fa; t++) {
    if (!same(a.words[fa + t], b.words[fb + t])) return false;
    if (t > 0 && a.seps[fa + t] !== b.seps[fb + t]) return false;
  }
  return true;
}

/** A word of letters starting with a capital: "Hupean", "DISM", "WindowsUpdateAgent"; not "iOS" or "Foo2". */
function isCapitalisedWord(w: string | null): boolean {
  return w !== null && /^[A-Z][A-Za-z]+$/.test(w);
}

/**
 * Gaps [i, toLong) and [i, toShort), both not empty, are one multi-word
 * display name of another length ("The Hupean Yocea service entered ..." /
 * "The Gamus service entered ..."): capitalised words joined by single
 * spaces, perhaps ending in a number ("Wireless Network Connection 2") or with
 * words already variables (names seen varying; one capitalised word at least),
 * with a constant word right before (after a space or ": ") and right after, or
 * a value in brackets after, glued or not ("change: Local Area Connection
 * (10.0.0.1)", "Mail Sync Helper[812]"). Capitalised
 * words inside a sentence are proper names; a run of them that varies in
 * length between the same words is one name, not two events. (Their spelling
 * is no evidence here: invented display names are often spelled like the
 * program's own words, which word-style.ts measured on the v2 bench.)
 */
function isNameRunGap(long: TokenPattern, short: TokenPattern, i: number, toLong: number, toShort: number): boolean {
  if (i === 0 || toShort === i || toShort >= short.words.length) return false;
  if (short.words[i - 1] === null || (short.words[toShort] === null && !/^ ?[([]$/.test(short.seps[toShort]))) return false;
  for (const [p, to] of [[long, toLong], [short, toShort]] as const) {
    if ((p.seps[i] !== ' ' && p.seps[i] !== ': ') || !/^(?: |[,;:.] |[([]$)/.test(p.seps[to])) return false;
    if (/^[([]$/.test(p.seps[to]) && p.words[to] !== null) return false;
    let named = false;
    for (let k = i; k < to; k++) {
      // a variable: a number ending the name ("Wireless Network Connection 2"), or a word seen varying
      const variable = p.words[k] === null;
      named ||= isCapitalisedWord(p.words[k]);
      if ((!isCapitalisedWord(p.words[k]) && !variable) || (k > i && p.seps[k] !== ' ')) return false;
    }
    if (!named) return false;
  }
  return true;
}

/**
 * A field's value of several words against a variable in a printed record of
 * fields ("Current: Install Pending, Pending: ..." / "Current: <*>, Pending: ..."):
 * the short side's gap is one variable after "Key: ", the long side's two or three
 * words joined by single spaces, both gaps ending at the same ", ". What a program
 * prints for its key is one value, however many words it has.
 */
function isFieldValueRun(long: TokenPattern, short: TokenPattern, i: number, toLong: number, toShort: number): boolean {
  if (i === 0 || toShort - i !== 1 || short.words[i] !== null || toLong - i < 2 || toLong - i > 3) return false;
  if (!short.seps[i].endsWith(': ') || long.seps[i] !== short.seps[i] || !isPlainWord(long.words[i - 1] ?? '')) return false;
  if (!long.seps[toLong].startsWith(', ') || long.seps[toLong] !== short.seps[toShort]) return false;
  for (let k = i; k < toLong; k++) if (long.words[k] === null || !/^[A-Za-z]+$/.test(long.words[k]!) || (k > i && long.seps[k] !== ' ')) return false;
  return true;
}

/** Opening marks of an enclosed text and the mark that closes each. */
const CLOSING: Readonly<Record<string, string>> = { "'": "'", '"': '"', '(': ')', '[': ']', '{': '}' };

/** The opening mark `sep` ends with (a quote or bracket), or ''. */
function openingOf(sep: string): string {
  const c = sep.charAt(sep.length - 1);
  return c !== '' && CLOSING[c] !== undefined ? c : '';
}

/** Words [from, to) of `p` lie between the mark `open` and its closing mark, with neither mark inside. */
function isQuotedRun(p: TokenPattern, from: number, to: number, open: string): boolean {
  const close = CLOSING[open];
  if (to <= from || to > p.words.length || !p.seps[to].startsWith(close)) return false;
  for (let k = from + 1; k < to; k++) if (p.seps[k].includes(close) || p.seps[k].includes(open)) return false;
  return true;
}

/** Where the text opened by `open` before word `from` closes (the index of the closing separator), or -1. */
function enclosedEnd(p: TokenPattern, from: number, open: string): number {
  const close = CLOSING[open];
  let e = from + 1;
  while (e < p.words.length && !p.seps[e].includes(close)) e++;
  return isQuotedRun(p, from, e, open) ? e : -1;
}

/**
 * The gap is a whole quoted text on both sides, several words on one side at
 * least ("matched rule \"Drofoun\"" / "\"Jaramp Tosath\"", "reason 'a few
 * words', delay"): the quoted texts are one value each, whatever their words;
 * a program quotes what it did not write itself. One quoted word against
 * another is left to the sibling groups (a quoted name may be a constant of its
 * event), as is a gap inside quotes that share other words ("GET <*>" /
 * "POST <*>": the method is the event's).
 */
function isQuotedGap(a: TokenPattern, aFrom: number, aTo: number, b: TokenPattern, bFrom: number, bTo: number): boolean {
  if (aTo - aFrom < 2 && bTo - bFrom < 2) return false;
  if (quotesTheMessage(a, aFrom)) return false;
  const q = openingOf(a.seps[aFrom]);
  return (q === '"' || q === "'") && a.seps[aFrom] === b.seps[bFrom] && isQuotedRun(a, aFrom, aTo, q) && isQuotedRun(b, bFrom, bTo, q);
}

/**
 * The quotes opening at `from` hold the line's message: the line opens with
 * `key="` (`msg="Container <*> started" id=<*>`, a logfmt line without its
 * header), so the words inside are the event's own, as the tokenizer keeps them.
 */
function quotesTheMessage(p: TokenPattern, from: number): boolean {
  return from === 1 && p.seps[0] === '' && p.seps[1] === '="' && p.words[0] !== null;
}

/**
 * The value after a key where the patterns part ("ws=<*>" / "ws=WorkSource{<*>}"):
 * from `i`, the run of words up to the next whitespace on each side, one of them
 * a single variable, and everything after the runs the same. Whatever follows
 * "key=" up to the next space is that key's value. Undefined otherwise.
 */
function keyValueRuns(long: TokenPattern, short: TokenPattern, i: number): { toLong: number; toShort: number; trail: number } | undefined {
  if (i === 0 || !long.seps[i].endsWith('=') || long.seps[i] !== short.seps[i]) return undefined;
  const runEnd = (p: TokenPattern): number => {
    let e = i + 1;
    while (e < p.words.length && !/\s/.test(p.seps[e])) e++;
    return e;
  };
  const toLong = runEnd(long);
  const toShort = runEnd(short);
  const single = (p: TokenPattern, to: number): boolean => to === i + 1 && p.words[i] === null;
  if (!single(long, toLong) && !single(short, toShort)) return undefined;
  if (!sameAfter(long, toLong, short, toShort)) return undefined;
  // the separator ending a run belongs to the value up to its first whitespace ("{<*>}" ends in "}")
  const rest = (sep: string): string => sep.slice(sep.search(/\s|$/));
  if (rest(long.seps[toLong]) !== rest(short.seps[toShort])) return undefined;
  // ...but what both sides end with is structure ("null, uid=" / "WorkSource{<*>}, uid=": the comma stays)
  return { toLong, toShort, trail: commonSeparatorSuffix(long.seps[toLong], short.seps[toShort]) };
}

/**
 * Cheap necessary condition for planGaps: most constant words of `a` occur in
 * `b` (an alignment keeps at most those), so unrelated templates cost O(words)
 * rather than an alignment table.
 */
function sharesEnoughWords(a: TokenPattern, b: TokenPattern, minConstants: number): boolean {
  const inB = new Set<string>();
  for (const w of b.words) if (w !== null) inB.add(w);
  let constants = 0;
  let shared = 0;
  for (const w of a.words) {
    if (w === null) continue;
    constants++;
    if (inB.has(w)) shared++;
  }
  return shared >= minConstants && shared * 2 >= constants;
}

/** The common prefix and suffix leave one gap (lists extend over shared elements). */
function planOneGap(a: TokenPattern, b: TokenPattern, minConstants: number): ElasticPattern | undefined {
  const na = a.words.length;
  const nb = b.words.length;
  if (na === nb) return undefined;
  const { prefix: i, suffix: j } = sharedFrame(a, b);
  // gaps: words [i, n - j) on each side
  const long = na > nb ? a : b;
  const short = na > nb ? b : a;
  // the constants kept are at most those of the common prefix and suffix: give up early when too few
  let outside = 0;
  let all = 0;
  for (let k = 0; k < short.words.length; k++) {
    if (short.words[k] === null) continue;
    all++;
    if (k < i || k >= short.words.length - j) outside++;
  }
  if (outside < minConstants || outside * 2 < all) return undefined;
  const gl = long.words.length - j - i;
  const gs = short.words.length - j - i;
  let from = i;
  let toLong = long.words.length - j;
  let toShort = short.words.length - j;
  let lead = 0;
  let trail = 0;
  let optional = false;

  const keyed = keyValueRuns(long, short, i);
  if (keyed !== undefined) {
    toLong = keyed.toLong;
    toShort = keyed.toShort;
  }
  const unit = keyed === undefined && isOptionalUnit(long, short, i, gl, gs);
  const qualified = keyed === undefined && !unit && isQualifiedValue(long, short, i, gl, gs);
  const spacedFile = keyed === undefined && !unit && !qualified && isSpacedFileName(long, short, i, toLong, toShort);
  const nameRun =
    keyed === undefined && !unit && !qualified && (spacedFile || isNameRunGap(long, short, i, toLong, toShort) || isFieldValueRun(long, short, i, toLong, toShort));
  const list = keyed !== undefined || unit || qualified || nameRun ? undefined : listSeparatorOf(long, i, toLong, short, i, toShort);
  if (qualified) {
    // "chick.exe -" / "<*> *64 -": the variable takes the value and its qualifier
    lead = short.seps[from].length;
    trail = short.seps[toShort].length;
  } else if (keyed !== undefined) {
    // the variable is the key's value, the key stays constant
    lead = short.seps[from].length;
    trail = keyed.trail;
  } else if (nameRun) {
    // the variable is the name: the spaces around it stay constant
    lead = short.seps[from].length;
    trail = short.seps[toShort].length;
  } else if (unit) {
    // "lifetime 00:01" / "lifetime <1 sec": the variable takes the value and its unit
    from = i - 1;
    lead = short.seps[from].length;
    trail = short.seps[toShort].length;
  } else if (list !== undefined) {
    // extend over the shared elements joined by the same separator
    if (gs === 0 && from > 0 && collapse(long.seps[from]) === list.sep) from--; // "ash" vs "ash, birch": ash is an element
    // (a space-separated list of values extends over values only: the words before it are its boundary)
    while (from > 0 && collapse(long.seps[from]) === list.sep && collapse(short.seps[from]) === list.sep && (!list.ws || long.words[from - 1] === null)) from--;
    if (!list.ws) {
      while (toShort < short.words.length && collapse(long.seps[toLong]) === list.sep) {
        toLong++;
        toShort++;
      }
    }
    if (list.ws) {
      // a space-separated list needs visible boundaries (punctuation, the line end, or constant words around it:
      // "nodes <*> <*> to job") and elements that are values (masked, or known values): else it is prose
      // ("Bye Bye" / "Closed due to ...")
      if (from === 0 || !(hasPunctuation(long.seps[from]) || long.words[from - 1] !== null)) return undefined;
      if (toLong < long.words.length && !(hasPunctuation(long.seps[toLong]) || long.words[toLong] !== null)) return undefined;
      for (let k = from; k < toLong; k++) if (long.words[k] !== null) return undefined;
      for (let k = from; k < toShort; k++) if (short.words[k] !== null) return undefined;
    }
    if (toShort - from < 1 && gs === 0 && !list.ws) return undefined;
  } else if (gs === 0 && gl >= 1) {
    // optional bracketed part, or an empty field: the long side's gap with the separators the short side shares stripped
    const sText = short.seps[i];
    const lText = gapText(long, i, toLong, VAR_TEXT);
    trail = commonSeparatorSuffix(sText, lText);
    lead = commonSeparatorPrefix(sText.slice(0, sText.length - trail), lText.slice(0, lText.length - trail));
    const middle = lText.slice(lead, lText.length - trail);
    const emptyField = gl === 1 && /[=:]$/.test(long.seps[i]) && lead > 0;
    optional = isBracketedGroup(middle);
    if (!optional && !emptyField) return undefined;
  } else {
    return undefined;
  }
  if (!keepsConstantsOutside(short, from, toShort, minConstants)) return undefined;
  if (lead === 0 && trail === 0 && list !== undefined) {
    // the variable starts after the separator before the list and ends before the one after it
    lead = short.seps[from].length;
    trail = short.seps[toShort].length;
    if (from === toShort) return undefined;
  }
  return elasticOf(short, from, toShort, lead, trail, optional);
}

/**
 * A unit or a qualifier written after a value: a short word of letters ("sec",
 * "KB"), or of letters and digits after one mark ("*64": a 64-bit process,
 * "#2"). A longer word after a value says something else.
 */
function isUnitWord(w: string): boolean {
  return /^[A-Za-z]{1,5}$/.test(w) || /^[*#+~][A-Za-z0-9]{1,4}$/.test(w) || TIME_UNIT_WORD.test(w);
}

/** Units of time written out in full ("292 minutes" where other lines say "21:28"): universal words, as month names are. */
const TIME_UNIT_WORD = /^(?:(?:milli|micro|nano)?seconds?|minutes?|hours?|days?|weeks?)$/i;

/**
 * A value against a value with a qualifier after it: the gaps are one word
 * and two, each first word a variable or shaped like data (a dotted name, a
 * word with digits: wordKindOf), and the second of the two a unit word
 * ("chick.exe" / "<*> *64").
 */
function isQualifiedValue(long: TokenPattern, short: TokenPattern, i: number, gl: number, gs: number): boolean {
  if (gl !== 2 || gs !== 1) return false;
  const valueLike = (w: string | null): boolean => w === null || isDataWord(w);
  const q = long.words[i + 1];
  return valueLike(long.words[i]) && valueLike(short.words[i]) && q !== null && isUnitWord(q) && /^\s+$/.test(long.seps[i + 1]);
}

/** A constant word shaped like data (wordKindOf: digits, a dotted lower-case name). */
function isDataWord(w: string | null): boolean {
  return w !== null && wordKindOf(w) === WordKind.Digit;
}

/**
 * A file name with spaces in its name against one value ("Criolo Tonaen.exe -" /
 * "<*> -", "Fylo Plakat.exe *64 -"): the short gap is one word, a variable or
 * shaped like data; the long gap is one to three capitalised words, then a file
 * name (isDataWord), then at most a qualifier, joined by single spaces.
 */
function isSpacedFileName(long: TokenPattern, short: TokenPattern, i: number, toLong: number, toShort: number): boolean {
  if (toShort - i !== 1 || (short.words[i] !== null && !isDataWord(short.words[i]))) return false;
  let k = i;
  while (k < toLong && isCapitalisedWord(long.words[k])) k++;
  if (k === i || k - i > 3 || k >= toLong || !isDataWord(long.words[k])) return false;
  const q = long.words[k + 1];
  if (k + 1 < toLong && !(k + 2 === toLong && q !== null && isUnitWord(q))) return false;
  for (let t = i + 1; t < toLong; t++) if (long.seps[t] !== ' ') return false;
  return true;
}

/**
 * A value with an optional unit word: both sides have a variable just before
 * the gap and the long side's gap is one short word of letters after
 * whitespace ("<1 sec" where other lines say "00:01").
 */
function isOptionalUnit(long: TokenPattern, short: TokenPattern, i: number, gl: number, gs: number): boolean {
  if (gs !== 0 || gl !== 1 || i === 0 || long.words[i - 1] !== null || short.words[i - 1] !== null) return false;
  const unit = long.words[i];
  return unit !== null && isUnitWord(unit) && /^\s+$/.test(long.seps[i]);
}

/**
 * The list separator joining the gap words of both sides (and, on the long
 * side, the gap to its shared neighbours), when there is one.
 */
function listSeparatorOf(
  long: TokenPattern,
  lFrom: number,
  lTo: number,
  short: TokenPattern,
  sFrom: number,
  sTo: number,
): { sep: string; ws: boolean } | undefined {
  if (lTo - lFrom < 1) return undefined;
  // candidates: the separator inside the long gap, else the one joining it to a neighbour
  const inner: string[] = [];
  for (let k = lFrom + 1; k < lTo; k++) inner.push(collapse(long.seps[k]));
  for (let k = sFrom + 1; k < sTo; k++) inner.push(collapse(short.seps[k]));
  let sep: string | undefined = inner[0];
  if (sep === undefined) {
    const before = collapse(long.seps[lFrom]);
    const after = collapse(long.seps[lTo]);
    if (lFrom > 0 && isListSeparator(before) && before !== ' ') sep = before;
    else if (lTo < long.words.length && isListSeparator(after) && after !== ' ') sep = after;
    else if (before === ' ' && sTo - sFrom === 0) sep = ' ';
  }
  if (sep === undefined || !isListSeparator(sep)) return undefined;
  if (!inner.every((s) => s === sep)) return undefined;
  const ws = sep === ' ';
  if (sTo - sFrom === 0) {
    // the short side has no gap: the long side's gap must continue a list (joined to a shared neighbour by sep)
    const joinedBefore = lFrom > 0 && collapse(long.seps[lFrom]) === sep;
    const joinedAfter = lTo < long.words.length && collapse(long.seps[lTo]) === sep;
    if (!joinedBefore && !joinedAfter) return undefined;
  } else if (!ws) {
    if (collapse(long.seps[lFrom]) !== collapse(short.seps[sFrom]) || collapse(long.seps[lTo]) !== collapse(short.seps[sTo])) {
      return undefined;
    }
  }
  return { sep, ws };
}

/** The separator joining words [from, to) when it is a punctuated list separator (", " ";" "|"). */
function listPunctuationOf(p: TokenPattern, from: number, to: number): string | undefined {
  if (to - from < 2) return undefined;
  const sep = collapse(p.seps[from + 1]);
  return sep !== ' ' && isListSeparator(sep) ? sep : undefined;
}

function allVariables(p: TokenPattern, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (p.words[k] !== null) return false;
  return true;
}

/** Words [from, to) are values: variables, or words joined by one list separator, none shaped like a program constant. */
function isValueList(p: TokenPattern, from: number, to: number): boolean {
  if (allVariables(p, from, to)) return true;
  const sep = to - from > 1 ? collapse(p.seps[from + 1]) : undefined;
  if (sep !== undefined && !isListSeparator(sep)) return false;
  for (let k = from; k < to; k++) {
    if (k > from && collapse(p.seps[k]) !== sep) return false;
    const w = p.words[k];
    if (w !== null && isClosedSetWord(w)) return false;
  }
  return true;
}

/**
 * Words [from, to) of `p` are two or more joined by whitespace inside the message (after
 * a word), a constant word among them. (Leading the message, such words are a name of
 * several words: "crim deelo startup succeeded".)
 */
function isProse(p: TokenPattern, from: number, to: number): boolean {
  if (to - from < 2 || from === 0) return false;
  for (let k = from + 1; k < to; k++) if (!/^\s+$/.test(p.seps[k])) return false;
  for (let k = from; k < to; k++) if (p.words[k] !== null) return true;
  return false;
}

/**
 * Words [from, to) of `p`, two or more, are one whitespace-free token of the line that the tokenizer cut
 * at punctuation ("i/o"): marks alone between them, whitespace (or the line's edge) around them. Not
 * at a colon: "host:port", "node-14:disk2" print two values joined, each a variable of its own.
 */
function isCutToken(p: TokenPattern, from: number, to: number): boolean {
  if (to - from < 2) return false;
  for (let k = from + 1; k < to; k++) if (p.seps[k] === '' || /[\s:]/.test(p.seps[k])) return false;
  const before = p.seps[from];
  const after = p.seps[to];
  return (from === 0 ? before === '' : /\s$/.test(before)) && (to === p.words.length ? after === '' : /^\s/.test(after));
}

/** Words [from, to) of `p` may stand where another pattern has a variable (optionalGap's reasons). */
function isValueOfVariable(p: TokenPattern, from: number, to: number): boolean {
  return (isValueList(p, from, to) && !isOnePlainWord(p, from, to) && !isProse(p, from, to)) || isCutToken(p, from, to);
}

/** Words [from, to) of `p` are one constant word not shaped like data (isDataWord). */
function isOnePlainWord(p: TokenPattern, from: number, to: number): boolean {
  const w = p.words[from];
  return to - from === 1 && w !== null && !isDataWord(w);
}

function commonSeparatorSuffix(a: string, b: string): number {
  let k = 0;
  while (k < a.length && k < b.length && a[a.length - 1 - k] === b[b.length - 1 - k] && isSeparatorChar(a[a.length - 1 - k])) k++;
  return k;
}

function commonSeparatorPrefix(a: string, b: string): number {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k] && isSeparatorChar(a[k])) k++;
  return k;
}

/** Largest pattern compared word by word by planGaps (the alignment table is words x words). */
const MAX_ALIGNED_WORDS = 64;

/**
 * Several gaps (two optional bracketed parts, a unit here and an empty field
 * there): the longest common subsequence of words aligns the patterns, and
 * every gap between aligned words must be an optional part (bracketed group,
 * a value after a key, a unit after a value) or values on both sides. Lists
 * are left to planOneGap, which can extend over their shared elements.
 */
function planGaps(a: TokenPattern, b: TokenPattern, minConstants: number): ElasticPattern | undefined {
  const na = a.words.length;
  const nb = b.words.length;
  if (na > MAX_ALIGNED_WORDS || nb > MAX_ALIGNED_WORDS) return undefined;
  // LCS table, suffix form: lcs[i][j] = LCS of a[i..] and b[j..]
  const w = nb + 1;
  const lcs = new Uint16Array((na + 1) * w);
  for (let i = na - 1; i >= 0; i--) {
    for (let j = nb - 1; j >= 0; j--) {
      lcs[i * w + j] = same(a.words[i], b.words[j]) ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0, j = 0; i < na && j < nb; ) {
    if (same(a.words[i], b.words[j]) && lcs[i * w + j] === lcs[(i + 1) * w + j + 1] + 1) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) i++;
    else j++;
  }
  pairs.push([na, nb]); // sentinel: the gap before the end
  const out = new PartsBuilder();
  let kept = 0;
  let constants = 0;
  for (const word of a.words) if (word !== null) constants++;
  let prevA = -1;
  let prevB = -1;
  for (const [ia, ib] of pairs) {
    const aText = gapText(a, prevA + 1, ia, VAR_TEXT);
    const bText = gapText(b, prevB + 1, ib, VAR_TEXT);
    if (aText === bText) out.text(aText);
    else {
      const gap = optionalGap(a, prevA + 1, ia, aText, b, prevB + 1, ib, bText);
      if (gap === undefined) return undefined;
      out.text(gap.lead);
      out.variable(gap.optional);
      out.text(gap.trail);
    }
    if (ia < na) {
      const word = a.words[ia];
      if (word !== null) {
        out.text(word);
        kept++;
      } else out.variable((a.optional?.[ia] ?? false) && (b.optional?.[ib] ?? false));
    }
    prevA = ia;
    prevB = ib;
  }
  if (kept < minConstants || kept * 2 < constants) return undefined;
  return out.done();
}

/**
 * One gap of planGaps: words [aFrom, aTo) of a and [bFrom, bTo) of b with the
 * separators around them (aText, bText). Returns the constant text kept before
 * and after the variable, or undefined when the gap is not an optional part.
 */
function optionalGap(
  a: TokenPattern,
  aFrom: number,
  aTo: number,
  aText: string,
  b: TokenPattern,
  bFrom: number,
  bTo: number,
  bText: string,
): { lead: string; trail: string; optional: boolean } | undefined {
  const ga = aTo - aFrom;
  const gb = bTo - bFrom;
  const trail = commonSeparatorSuffix(aText, bText);
  const lead = commonSeparatorPrefix(aText.slice(0, aText.length - trail), bText.slice(0, bText.length - trail));
  const kept = { lead: aText.slice(0, lead), trail: aText.slice(aText.length - trail), optional: false };
  if (ga > 0 && gb > 0) {
    // one quoted text against another
    if (isQuotedGap(a, aFrom, aTo, b, bFrom, bTo)) return kept;
    // two words shaped like data (a dotted name, a word with digits): as two such siblings of a regular template would
    if (ga === 1 && gb === 1 && isDataWord(a.words[aFrom]) && isDataWord(b.words[bFrom])) return kept;
    // a variable on one side, values or a list of words on the other ("<*>" against "<*> <*>" or "ash, birch")
    // (one plain word against a variable is one more sibling value: the sibling groups decide that)
    // (nor are words joined by spaces with a constant among them: "illegal user <*>" against "<*>" is prose)
    // (or one token of the line that the tokenizer cut at punctuation: "on <*> thread" against "on i/o thread")
    if (allVariables(a, aFrom, aTo)) return isValueOfVariable(b, bFrom, bTo) ? kept : undefined;
    if (allVariables(b, bFrom, bTo)) return isValueOfVariable(a, aFrom, aTo) ? kept : undefined;
    // two lists joined by the same punctuation ("ash, birch" against "cedar, okapi, ash")
    const sep = listPunctuationOf(a, aFrom, aTo) ?? listPunctuationOf(b, bFrom, bTo);
    if (sep !== undefined && isValueList(a, aFrom, aTo) && isValueList(b, bFrom, bTo)) {
      const joinedBy = (p: TokenPattern, from: number, to: number): boolean => to - from < 2 || collapse(p.seps[from + 1]) === sep;
      if (joinedBy(a, aFrom, aTo) && joinedBy(b, bFrom, bTo)) return kept;
    }
    return undefined;
  }
  if (ga === 0 && gb === 0) return undefined; // punctuation alone differs: another event
  const [long, from, to, longText, shortText] = ga > 0 ? [a, aFrom, aTo, aText, bText] : [b, bFrom, bTo, bText, aText];
  const middle = longText.slice(lead, longText.length - trail);
  if (shortText.length !== lead + trail) return undefined; // the short side must be all shared separators
  if (isBracketedGroup(middle)) return { ...kept, optional: true };
  if (to - from === 1) {
    // a value after a key or an opening bracket ("owner=" / "owner=kestrel", "()" / "(db01)")
    if (lead > 0 && /[=:([{'"]$/.test(longText.slice(0, lead)) && /^\S/.test(middle)) return kept;
    // a unit after a value ("00:01" / "<1 sec")
    const word = long.words[from];
    if (from > 0 && long.words[from - 1] === null && word !== null && isUnitWord(word) && /^\s+/.test(middle)) return kept;
  }
  return undefined;
}

/**
 * The token pattern of an elastic pattern's parts (to align it with a new
 * pattern): each part's words, and one variable word between parts.
 * `tokenize` splits a constant text into words and separators.
 */
export function shapeOfParts(
  parts: readonly string[],
  optionalVars: readonly boolean[] | undefined,
  tokenize: (text: string) => { readonly words: readonly string[]; readonly seps: readonly string[] },
): TokenPattern {
  const words: Array<string | null> = [];
  const seps: string[] = [];
  const optional: boolean[] = [];
  let sep = '';
  const word = (w: string | null, isOptional = false): void => {
    seps.push(sep);
    words.push(w);
    optional.push(isOptional);
    sep = '';
  };
  parts.forEach((part, k) => {
    const t = tokenize(part);
    sep += t.seps[0];
    for (let i = 0; i < t.words.length; i++) {
      word(t.words[i]);
      sep += t.seps[i + 1];
    }
    if (k < parts.length - 1) word(null, optionalVars?.[k] ?? false);
  });
  seps.push(sep);
  return { words, seps, optional };
}

/**
 * The frame two patterns share: `prefix` words equal from the start (each with the
 * separator before it), `suffix` words equal from the end (each with the separator
 * after it), not overlapping. What lies between is where they differ.
 */
export function sharedFrame(a: TokenPattern, b: TokenPattern): { prefix: number; suffix: number } {
  const na = a.words.length;
  const nb = b.words.length;
  const min = Math.min(na, nb);
  let i = 0;
  while (i < min && same(a.words[i], b.words[i]) && a.seps[i] === b.seps[i]) i++;
  let j = 0;
  while (j < min - i && same(a.words[na - 1 - j], b.words[nb - 1 - j]) && a.seps[na - j] === b.seps[nb - j]) j++;
  return { prefix: i, suffix: j };
}

/** Templates (the new one included) that must share one frame before the text inside it is one value. */
export const FREE_TEXT_CROWD = 8;

/**
 * Free text inside a fixed frame: `members` (FREE_TEXT_CROWD or more templates,
 * the new one first) all begin with the same `prefix` words and end with the same
 * `suffix` words, and differ between, in texts of different word counts (an SQL
 * statement after "statement:", a filter document, an exception's message, a
 * list of callers). No shape rule says such text is a value, but so many
 * different texts in one frame say it: the program prints one message with
 * text it did not write. The frame must hold `minConstants` words of the message
 * before the text, after any bracketed header (a message of its own, not a header
 * or a first word shared by chance), and some member's text must run to three
 * words (one or two words in a fixed place are the sibling groups' call).
 * Undefined when these do not hold.
 *
 * `recurring`: the texts of several members were also seen in messages of other
 * frames (systemd's "Starting <unit description>...", "Created slice <…>.",
 * "Reached target <…>."): that is evidence enough with RECURRING_TEXT_CROWD members,
 * one word of the message before the text, and texts of two word counts, plain
 * words or not.
 */
export function planFreeText(
  members: readonly TokenPattern[],
  prefix: number,
  suffix: number,
  minConstants: number,
  recurring = false,
): ElasticPattern | undefined {
  const crowd = recurring ? RECURRING_TEXT_CROWD : holdsSentences(members, prefix, suffix) ? SENTENCE_TEXT_CROWD : FREE_TEXT_CROWD;
  if (members.length < crowd) return undefined;
  if (recurring) minConstants = Math.min(minConstants, 1);
  const first = members[0];
  let constants = 0;
  // the message's own words, after any bracketed header ("[req-… ] [instance: <*>] <message>":
  // what follows a header is a message of its own, however many there are)
  for (let k = prefix - 1; k >= 0 && !/[)\]}]/.test(first.seps[k + 1]); k--) if (isNamingWord(first.words[k])) constants++;
  if (constants < minConstants) return undefined;
  // the text follows a label ("statement: ", "filter: ") or a word of the message ("called by",
  // "exception is"), not a value ("job <*> resumed …": events of one subject) nor a key's '='
  const before = first.seps[prefix];
  // (on recurrence alone, after "<subject>: " the text is a message about a value, unless inside a document: "on <*>: { <*>: … }")
  const inDocument = isInsideBrackets(first, prefix);
  const label = /:\s+$/.test(before) && (!recurring || isNamingWord(first.words[prefix - 1]) || inDocument);
  if (!(label || (/^\s+$/.test(before) && isNamingWord(first.words[prefix - 1])))) return undefined;
  // on recurrence alone, a text opening with its own label ("mc3: UE row …", "ciod: …") is a message under a header
  if (recurring && !inDocument && members.some((m) => m.words.length - suffix > prefix + 1 && /^:\s/.test(m.seps[prefix + 1]))) return undefined;
  const gapLengths = new Set<number>();
  let longest = 0;
  let structured = 0;
  let lead = first.seps[prefix].length;
  // with no words after the text, the punctuation every member ends with stays constant ("Starting <*>...")
  let trail = first.seps[first.words.length - suffix].length;
  for (const m of members) {
    const gap = m.words.length - prefix - suffix;
    if (gap < 1) return undefined;
    gapLengths.add(gap);
    longest = Math.max(longest, gap);
    if (holdsKeyedValue(m, prefix, m.words.length - suffix)) return undefined;
    if (holdsValueOrMark(m, prefix, m.words.length - suffix)) structured++;
    lead = Math.min(lead, commonSeparatorPrefix(first.seps[prefix], m.seps[prefix]));
    trail = Math.min(trail, commonSeparatorSuffix(first.seps[first.words.length - suffix], m.seps[m.words.length - suffix]));
  }
  if (recurring ? gapLengths.size < 2 || longest < 2 : gapLengths.size < 3 || longest < 3 || structured * 2 < members.length) return undefined;
  const labelled = sharedLabelRun(members, prefix, suffix);
  if (sharesWordPairs(members, prefix, suffix, labelled)) return undefined;
  return elasticOf(first, prefix, first.words.length - suffix, lead, trail, false, labelled);
}

/** Words [from, to) of a pattern; `starts`: where the same words start in each member of a merge. */
interface WordRun {
  readonly from: number;
  readonly to: number;
  readonly starts?: readonly number[];
}

/**
 * The words of the program every member's text (words [prefix, length - suffix)) holds inside it,
 * found from a label ("wanted: X- Y+ got: Z+", "Sensor location: CPU2 Temp Chassis location: Main
 * System Chassis Previous state was: OK (Normal)"): the first label of the first member's text (a
 * word and ": "), found once in every other text, with the same separators, and the words after it
 * as long as every text has them alike, with words of the text on both sides, in a text that opens
 * after a label itself. The text is then values around the program's words. Undefined when there is none.
 */
function sharedLabelRun(members: readonly TokenPattern[], prefix: number, suffix: number): WordRun | undefined {
  const first = members[0];
  // the text opens after a label too ("Sensor location: <*> Chassis location: …"): a record of labelled
  // values; after plain words ("Temperature sensor detected a warning value Sensor location: …") the
  // words before the label are the program's own, several events
  if (!/:\s+$/.test(first.seps[prefix])) return undefined;
  const firstTo = first.words.length - suffix;
  let at = -1;
  for (let t = prefix + 1; t < firstTo - 1 && at < 0; t++) if (isLabelAt(first, t)) at = t;
  if (at < 0) return undefined;
  // where the label stands in each member: once, after at least one word of its text
  const starts: number[] = [];
  for (const m of members) {
    const to = m.words.length - suffix;
    let found = -1;
    for (let t = prefix + 1; t < to - 1; t++) {
      if (m.words[t] !== first.words[at] || m.seps[t] !== first.seps[at] || m.seps[t + 1] !== first.seps[at + 1]) continue;
      if (found >= 0) return undefined;
      found = t;
    }
    if (found < 0) return undefined;
    starts.push(found);
  }
  // the program's words after the label, alike in every text, leaving a word of each text after them
  let length = 1;
  for (;;) {
    const ok = members.every((m, k) => {
      const t = starts[k] + length;
      const w = m.words[t];
      return t < m.words.length - suffix - 1 && w !== null && w === first.words[at + length] && m.seps[t + 1] === first.seps[at + length + 1];
    });
    if (!ok) break;
    length++;
  }
  return { from: at, to: at + length, starts };
}

/** Word `t` of `p` is a label: letters, then ": " (or more whitespace). */
function isLabelAt(p: TokenPattern, t: number): boolean {
  const w = p.words[t];
  return w !== null && /^:\s+$/.test(p.seps[t + 1]) && /^[A-Za-z]+$/.test(w);
}

/** A capitalised word (`Broken`, `Returning`): what a sentence of its own opens with. */
function opensSentence(w: string | null | undefined): boolean {
  return w !== null && w !== undefined && /^[A-Z][a-z]/.test(w);
}

/** Members enough when every text is a sentence of its own (holdsSentences): messages wrapped in a message. */
export const SENTENCE_TEXT_CROWD = 5;

/**
 * Every member's text (words [prefix, length - suffix)) opens like a sentence, with a capitalised
 * word ("Returning exception No valid host was found. to caller", "… Quota exceeded for cores: …
 * to caller"): messages of another program or layer printed inside this one's, not its own words.
 */
function holdsSentences(members: readonly TokenPattern[], prefix: number, suffix: number): boolean {
  for (const m of members) {
    const to = m.words.length - suffix;
    const w = m.words[prefix];
    if (to <= prefix || !opensSentence(w)) return false;
  }
  return true;
}

/** Distinct pairs of words every member's text holds before it is the program's structure, not data (sharesWordPairs). */
const SHARED_PAIRS_OF_STRUCTURE = 2;

/**
 * Every member's text (words [prefix, length - suffix)) holds the same two pairs of
 * constant words or more, each pair joined by one space ("active and", "backup
 * servers" in "UP, reason: …, 3 active and 1 backup servers online" and "DOWN, …
 * 2 active and 0 backup servers left"): texts of the program's own messages that
 * go on past the frame, several events, not free text printed from data.
 */
function sharesWordPairs(members: readonly TokenPattern[], prefix: number, suffix: number, labelled?: WordRun): boolean {
  let shared: Set<string> | undefined;
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    const pairs = new Set<string>();
    const to = m.words.length - suffix;
    // the words of a shared label run are the frame's, not the texts' (sharedLabelRun)
    const runFrom = labelled?.starts?.[i] ?? -1;
    const runTo = labelled === undefined ? -1 : runFrom + labelled.to - labelled.from;
    for (let k = prefix + 1; k < to; k++) {
      if (k >= runFrom && k - 1 < runTo) continue;
      const a = m.words[k - 1];
      const b = m.words[k];
      if (a === null || b === null || m.seps[k] !== ' ') continue;
      const pair = a + ' ' + b;
      if (shared === undefined || shared.has(pair)) pairs.add(pair);
    }
    shared = pairs;
    if (shared.size < SHARED_PAIRS_OF_STRUCTURE) return false;
  }
  return true;
}

/** Separators [0, at] of `p` open more brackets than they close: word `at` is inside a document or a list. */
function isInsideBrackets(p: TokenPattern, at: number): boolean {
  let depth = 0;
  for (let k = 0; k <= at; k++) {
    for (const ch of p.seps[k]) {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth--;
    }
  }
  return depth > 0;
}

/** Templates sharing a frame when the texts in it also recur in other frames (see planFreeText's `recurring`). */
export const RECURRING_TEXT_CROWD = 3;

/**
 * Words [from, to) of `p` (two or more, a constant among them) occur in `q` with the
 * same separators between them, a variable on either side matching any word: the
 * text `p` has in its gap is printed in `q`'s message too ("Daily lon activities" in
 * "Reached target Daily <*> activities."). A text that specific, printed in messages
 * of two frames, is a value of both.
 */
export function runOccursIn(p: TokenPattern, from: number, to: number, q: TokenPattern): boolean {
  const len = to - from;
  if (len < 2) return false;
  let constant = false;
  for (let k = from; k < to && !constant; k++) constant = p.words[k] !== null;
  if (!constant) return false;
  for (let j = 0; j + len <= q.words.length; j++) {
    let fits = true;
    let sharedConstant = false;
    for (let t = 0; t < len && fits; t++) {
      const a = p.words[from + t];
      const b = q.words[j + t];
      if (t > 0 && p.seps[from + t] !== q.seps[j + t]) fits = false;
      else if (a !== null && b !== null) {
        fits = a === b;
        sharedConstant = true;
      }
    }
    if (fits && sharedConstant && isOtherFrame(p, from, to, q, j, j + len)) return true;
  }
  return false;
}

/**
 * The run [qFrom, qTo) of `q` stands in another frame than [from, to) of `p`: the words
 * before it share no word of the message with `p`'s before (not "Accepted" beside
 * "Failed" with the rest alike, not the same message under another device number),
 * and what follows it differs ("Reached target <text>." after "Starting <text>...").
 */
function isOtherFrame(p: TokenPattern, from: number, to: number, q: TokenPattern, qFrom: number, qTo: number): boolean {
  const before = new Set<string>();
  for (let k = 0; k < from; k++) if (isNamingWord(p.words[k])) before.add(p.words[k]!);
  for (let k = 0; k < qFrom; k++) if (before.has(q.words[k]!)) return false;
  return p.seps[to] !== q.seps[qTo] || !sameAfter(p, to, q, qTo);
}

/**
 * Words [from, to) hold a `key=value` field: a record of fields, whose values the
 * record rules generalise one by one (key=value pairs are structure, not free text).
 */
function holdsKeyedValue(p: TokenPattern, from: number, to: number): boolean {
  for (let k = from + 1; k < to; k++) if (p.seps[k] === '=' || p.seps[k] === '="') return true;
  return false;
}

/**
 * Words [from, to) hold a variable or punctuation between them: text with values or
 * structure (a statement, a document, a list of callers), not a phrase of plain words
 * ("Flushing old data", "Loading DB in memory": a program's own messages after one prefix).
 */
function holdsValueOrMark(p: TokenPattern, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    if (p.words[k] === null) return true;
    if (k > from && hasPunctuation(p.seps[k])) return true;
  }
  return false;
}

/** A constant word with two letters or more (not a dash or a lone mark kept as a word). */
function isNamingWord(w: string | null): boolean {
  if (w === null) return false;
  let letters = 0;
  for (let k = 0; k < w.length && letters < 2; k++) if (/[A-Za-z]/.test(w[k])) letters++;
  return letters >= 2;
}
