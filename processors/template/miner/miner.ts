/**
 * Online template miner for plain-text log lines.
 *
 * How a line is placed (all steps are online, one line at a time):
 *
 * 1. tokenize(): words + separators + masking of obvious variables. The
 *    skeleton key (punctuation between words, word count) selects a bucket;
 *    only templates of the same bucket are compared. Inside a bucket a
 *    fixed-depth prefix tree over the first three words (constant word or
 *    `<*>` per level, as in Drain) narrows the candidates.
 * 2. Exact match: a template matches when every constant word equals the
 *    line's word (a masked word never equals a constant) and every separator
 *    is identical — except that extra whitespace next to a variable is
 *    carried by that variable's argument (user names with a leading space,
 *    column padding). That keeps rendering exact. First match wins; templates
 *    subsumed by another are merged away, so overlaps are rare.
 * 3. No exact match: words learned as values elsewhere (learnValues: names
 *    that varied in another template) are masked and the match is retried,
 *    then elastic templates (step 5) are tried on the raw text.
 * 4. Still no match: the line's own pattern becomes a new template (masked
 *    words as `<*>`). Then:
 *    - templates it subsumes (it is more general) are superseded by it,
 *      unless that would make a closed-set word (RUNNING, COMPLETE) a variable;
 *    - "sibling groups" — templates identical except at one word position p,
 *      the first included — generalise p to `<*>` by how many distinct words
 *      they hold and what those words look like (masking.ts wordKindOf):
 *      digit-bearing words after `digitValuesToGeneralize`, plain words (names)
 *      after `distinctValuesToGeneralize`, words shaped like a program's own
 *      constants (RUNNING, SCREEN_ON, onReceive, auth_fail, opened) after
 *      `closedValuesToGeneralize`. All members are superseded by the
 *      generalised template; this cascades. A template always keeps at least
 *      one constant word;
 *    - a group of two plain words (a variable that took two values in the
 *      whole sample) generalises as a pair of names once each word was seen
 *      in `namePairLines` lines and neither is a word of the program's own
 *      messages and they are spelled like the service's names, not like its
 *      own words (isPairOfNames, word-style.ts); checked every `namePairLines`
 *      lines of a template;
 *    - two positions that vary together (no two templates are siblings) are
 *      generalised when enough of the newest templates of the bucket differ
 *      from the new one at exactly those two positions (generalisePairs);
 *      in a printed record of fields (Key: value, key: value) any number of
 *      field values that differ at once are (generaliseRecordFields);
 *    - where a value is printed decides as much as its shape: a field's
 *      value, the whole value after key= or in quotes, a code's symbolic name,
 *      either half of a Class::member generalise after two values; a plain
 *      word where the other values were file names or hosts (loading image
 *      default) stays its own event (structuredAt).
 * 5. A template new with this line is compared with recent templates that
 *    start with the same word but have another length (mergeLengths,
 *    length-merge.ts): an optional bracketed part, an empty field, a unit
 *    after a value, a list of another length. Both become one "elastic"
 *    template whose variables match any text (not in a bucket; matched on the
 *    raw text after the bucket missed). Two templates of one shape (same
 *    separators and word count) merge into a regular template instead, which
 *    keeps meeting its siblings (mergeSameShape). Free text in a fixed frame
 *    (an SQL statement after "statement:", a unit's description after
 *    "Starting") is one variable once many templates share the frame, or a few
 *    whose texts are printed in other frames too (freeTextPlan, planFreeText).
 *
 * Compared with Drain's similarity threshold this does not merge two events
 * that differ in a small closed set of words (stored as bytes / as values,
 * Transitioned from NEW to SCHEDULED / SCHEDULED to RUNNING), while open sets
 * (user names, host names) still generalise after a few distinct values, and
 * an event's lines need not have one word count.
 *
 * Ids: templateId = templateIdOf(template text). A generalised template has a
 * new text and so a new id; the old entry keeps its text (records stored with
 * it still render exactly) and gets `supersededBy`.
 */
import { templateIdOf } from '../../../protocol/template-id';
import { isClosedSetWord, isInflectedVerb, isPlainWord, isVersionedName, WordKind, wordKindOf } from './masking';
import { BigramModel, programWordScore } from './word-style';
import { escapeConstant, renderTemplate } from './render';
import {
  fitsOptional,
  globMatch,
  patternText,
  planFreeText,
  REASON_CROWD,
  runOccursIn,
  planLengthMerge,
  shapeOfParts,
  sharedFrame,
  FREE_TEXT_CROWD,
  SENTENCE_TEXT_CROWD,
  RECURRING_TEXT_CROWD,
  type ElasticPattern,
  type TokenPattern,
} from './length-merge';
import { isWhitespace, newTokenizedLine, skeletonHashOf, skeletonOf, tokenizeInto, type TokenizedLine } from './tokenizer';
import {
  DEFAULT_MINER_OPTIONS,
  type MatchResult,
  type MinedTemplate,
  type MinerOptions,
  type MinerSnapshot,
} from './types';

interface TemplateRecord {
  readonly id: bigint;
  readonly text: string;
  count: number;
  supersededBy: bigint | undefined;
  /** Live clusters using this text (normally 0 or 1). */
  liveClusters: number;
  /** The add() that created the record (0: restored from a snapshot); see pruneUnusedIntermediates. */
  readonly born: number;
}

interface Bucket {
  readonly hash: number;
  /** skeletonOf(sep) for each separator: the bucket's identity. */
  readonly skeleton: readonly string[];
  /** Live clusters, creation order. */
  readonly clusters: Cluster[];
  /** The same clusters indexed by their first INDEX_DEPTH words (Drain's fixed-depth tree). */
  readonly index: IndexNode;
}

/**
 * Node of the per-bucket prefix tree: children by constant word, one child for
 * a variable word; clusters sit at depth min(INDEX_DEPTH, word count).
 */
interface IndexNode {
  byWord: Map<string, IndexNode> | undefined;
  variable: IndexNode | undefined;
  readonly clusters: Cluster[];
}

const INDEX_DEPTH = 3;

/** Recent templates per anchor compared for a length-insensitive merge, and elastic templates per anchor. */
const MERGE_CANDIDATES_PER_ANCHOR = 64;
const ELASTIC_PER_ANCHOR = 8;
/**
 * Templates a new one is compared with at most (elastic ones first, then the
 * newest under its own anchors): bounds the cost of a line no template knows
 * (each comparison is an alignment of two word lists).
 */
const MAX_MERGE_CANDIDATES = 24;
/** Templates of other frames a new template re-examines for recurring texts (mergeRecurringElsewhere). */
const RECURRENCE_CHECKS = 4;
/** Frame merges one template's evidence may set off in turn (cascadeRecurrence): bounds the work per line. */
const MAX_RECURRENCE_DEPTH = 2;
/** Texts a free-text elastic template keeps as evidence for other frames (Cluster.absorbed). */
const MAX_ABSORBED_TEXTS = 8;
/** Free-text elastic templates whose absorbed texts every frame may consult (TemplateMiner.freeTextTemplates). */
const MAX_FREE_TEXT_TEMPLATES = 32;
/** Constant words a frame holds before free text in it is one value (planFreeText). */
const MIN_FREE_TEXT_FRAME_CONSTANTS = 2;
/** Newest templates of a bucket a new one is compared with for two positions that vary together. */
const PAIR_SCAN = 64;
/** Templates of one frame differing at three positions or more that make those positions variables (generaliseCrowd). */
const CROWD_SIZE = 6;
/** Templates a general one remembers having left apart for a closed-shaped word (Cluster.heldApart). */
const MAX_HELD_APART = 16;
const ANY_ANCHOR = '\u0000*';

/**
 * Anchor keys of a pattern: its first and its last constant word — the lines
 * of one event whose length varies share a beginning or an end — or
 * ANY_ANCHOR when it has no constant word. `isConstant(k)` tells whether
 * word k is constant.
 */
function anchorKeys(words: readonly (string | null)[], isConstant: (k: number) => boolean): string[] {
  const n = words.length;
  let first = 0;
  while (first < n && !isConstant(first)) first++;
  if (first === n) return [ANY_ANCHOR];
  let last = n - 1;
  while (!isConstant(last)) last--;
  return ['F\u0000' + words[first], 'L\u0000' + words[last]];
}

function anchorsOf(words: ReadonlyArray<string | null>): string[] {
  return anchorKeys(words, (k) => words[k] !== null);
}

/**
 * Keys to look a pattern up by: its own anchors first, then every other
 * constant word as a first and as a last constant word (a template may begin
 * or end inside the other's variable parts: a list of names before it, an
 * optional part after it), and any.
 */
function lookupKeys(words: readonly (string | null)[], isConstant: (k: number) => boolean): string[] {
  const keys = new Set<string>(anchorKeys(words, isConstant));
  for (let k = 0; k < words.length; k++) {
    if (!isConstant(k)) continue;
    keys.add('F\u0000' + words[k]);
    keys.add('L\u0000' + words[k]);
  }
  keys.add(ANY_ANCHOR);
  return [...keys];
}

/** Bound of the known-values vocabulary (words; the least recently learned go first). */
const MAX_KNOWN_VALUES = 4096;
/** Bound of the two-word sibling groups remembered for corroboratedPairs (the oldest go first). */
const MAX_PAIRS = 4096;
/**
 * Known values (names) needed before the spelling of a pair is compared with
 * them (isPairOfNames, word-style.ts): a handful of names says little about
 * how the service's names are spelled.
 */
const MIN_NAMES_FOR_STYLE = 8;
/** Before MIN_NAMES_FOR_STYLE names are known, the shortest words a pair of names may have (isPairOfNames). */
const MIN_UNPROVEN_NAME_LENGTH = 5;

/** Longest word that is a state or a particle of the program's (on, up, ok), never a name, in a set of three (isSmallClosedSet). */
const MAX_STATE_ONLY_LENGTH = 2;

/** A word of MAX_STATE_ONLY_LENGTH letters at most (on, up, ok): no name is that short ('y+', a direction with its sign, is data). */
function isStateOnlyWord(w: string): boolean {
  return w.length <= MAX_STATE_ONLY_LENGTH && /^[A-Za-z]+$/.test(w);
}
/** Closed-shaped words sharing a first part this long are one enum's members (closedSpelledLikeNames). */
const MIN_ENUM_STEM = 4;
/**
 * How much more likely (log, nats, per word) the two words of a pair must be
 * spelled as names than as the program's words to be a pair of names: e^1 per
 * word, e^2 for the pair. Short words (up/down) carry little evidence either
 * way and so stay constants: splitting an event costs less than merging two
 * (a split still has each line's true event; a merge loses it).
 */
const STYLE_MARGIN = 1;

function newNode(): IndexNode {
  return { byWord: undefined, variable: undefined, clusters: [] };
}

function newBucket(hash: number, seps: readonly string[]): Bucket {
  return { hash, skeleton: seps.map(skeletonOf), clusters: [], index: newNode() };
}

function hasSkeleton(bucket: Bucket, seps: readonly string[]): boolean {
  const skeleton = bucket.skeleton;
  if (skeleton.length !== seps.length) return false;
  for (let k = 0; k < seps.length; k++) if (skeletonOf(seps[k]) !== skeleton[k]) return false;
  return true;
}

function indexInsert(root: IndexNode, c: Cluster): void {
  let node = root;
  const depth = Math.min(INDEX_DEPTH, c.words.length);
  for (let d = 0; d < depth; d++) {
    const w = c.words[d];
    if (w === null) {
      node = node.variable ??= newNode();
    } else {
      node.byWord ??= new Map();
      let next = node.byWord.get(w);
      if (next === undefined) node.byWord.set(w, (next = newNode()));
      node = next;
    }
  }
  node.clusters.push(c);
}

/** Clusters whose index path agrees with `words` wherever `words` is constant (subsumption candidates). */
function collectCandidates(
  node: IndexNode,
  words: ReadonlyArray<string | null>,
  d: number,
  depth: number,
  out: Cluster[],
): void {
  if (d === depth) {
    for (const c of node.clusters) out.push(c);
    return;
  }
  const w = words[d];
  if (w !== null) {
    const child = node.byWord?.get(w);
    if (child !== undefined) collectCandidates(child, words, d + 1, depth, out);
    return;
  }
  if (node.byWord !== undefined) for (const child of node.byWord.values()) collectCandidates(child, words, d + 1, depth, out);
  if (node.variable !== undefined) collectCandidates(node.variable, words, d + 1, depth, out);
}

/** Removes a cluster and prunes nodes left empty. */
function indexRemove(node: IndexNode, c: Cluster, d: number): boolean {
  if (d === Math.min(INDEX_DEPTH, c.words.length)) {
    removeFrom(node.clusters, c);
  } else {
    const w = c.words[d];
    const child = w === null ? node.variable : node.byWord?.get(w);
    if (child !== undefined && indexRemove(child, c, d + 1)) {
      if (w === null) node.variable = undefined;
      else {
        node.byWord!.delete(w);
        if (node.byWord!.size === 0) node.byWord = undefined;
      }
    }
  }
  return node.clusters.length === 0 && node.byWord === undefined && node.variable === undefined;
}

function removeFrom<T>(list: T[], item: T): void {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
}

/**
 * Position `p` follows a variable and " - ", and holds upper-case names with
 * underscores in every member ("[HRESULT = <*> - ERROR_FILE_NOT_FOUND]"), or is
 * glued by '/' to a key's value or follows a labelled code in brackets and holds
 * upper-case names (isKeyedCodeAndName, isAfterLabelledCode):
 * the symbolic name of the code before it, a value like the code.
 */
function isCodeNameSlot(members: readonly Cluster[], p: number): boolean {
  const first = members[0];
  if (first !== undefined && (isKeyedCodeAndName(first, p) || isAfterLabelledCode(first, p))) return members.every((m) => /^[A-Z][A-Z0-9_]*$/.test(m.words[p]!));
  if (first === undefined || p < 2 || first.words[p - 1] !== '-' || first.words[p - 2] !== null) return false;
  if (first.seps[p] !== ' ' || first.seps[p - 1] !== ' ') return false;
  return members.every((m) => /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(m.words[p]!));
}

/**
 * Words that label an error or status code ("[Errno 111]", "(error 2)"): the upper-case word after the
 * bracket names that code. After any other label the number counts or indexes something
 * ("[job 12] STARTED", "(attempt 2) FAILED") and the word is the message's own.
 */
const CODE_LABEL = /^(?:errno|err|error|code|rc|status|hresult)$/i;

/** Position `p` follows a labelled code in brackets ("[Errno <*>] EHOSTUNREACH", "(error <*>) ENOENT"). */
function isAfterLabelledCode(c: Cluster, p: number): boolean {
  if (p < 2 || c.words[p - 1] !== null || c.words[p - 2] === null || c.seps[p - 1] !== ' ') return false;
  if (!CODE_LABEL.test(c.words[p - 2]!)) return false;
  const close = c.seps[p];
  const open = c.seps[p - 2];
  return (close === '] ' && open.endsWith('[')) || (close === ') ' && open.endsWith('('));
}

/** Position `p` is the name glued by '/' to a code that is a key's value ("status=<*>/EXEC", systemd's 203/EXEC). */
function isKeyedCodeAndName(c: Cluster, p: number): boolean {
  return p >= 1 && c.words[p - 1] === null && c.seps[p] === '/' && c.seps[p - 1].endsWith('=') && (c.seps[p + 1] === '' || /^[\s,;]/.test(c.seps[p + 1]));
}

/**
 * Position `p` is a field's value in a record of fields printed as "Key: value, Key: value"
 * (at least two keys, a key being a capitalised word before ": ", the fields joined by
 * ", "): the value a program prints for its key, as after "key=".
 */
function isFieldValueSlot(c: Cluster | undefined, p: number): boolean {
  if (c === undefined || p === 0 || c.seps[p] !== ': ' || !isFieldKey(c.words[p - 1])) return false;
  let keys = 0;
  let joins = 0;
  for (let k = 1; k < c.words.length; k++) {
    if (c.seps[k] === ': ' && isFieldKey(c.words[k - 1])) keys++;
    if (c.seps[k] === ', ') joins++;
  }
  return keys >= 2 && joins >= 1;
}

/**
 * Position `p` is the whole value of a `key=value` or `key="value"` pair (the key a
 * constant identifier glued to `=`, the value ending at whitespace, a comma or the
 * closing quote): what a program prints for its key is data however it is spelled
 * (`tty=tty3`, `reason="BackOff"`), as the Loghub-2.0 convention masks it.
 */
function isKeyValueSlot(c: Cluster | undefined, p: number): boolean {
  if (c === undefined || p === 0) return false;
  const before = c.seps[p];
  const quoted = before.endsWith('="');
  if (!quoted && !before.endsWith('=')) return false;
  if (before.length !== (quoted ? 2 : 1)) return false; // the key is the word right before
  const key = c.words[p - 1];
  if (key === null || !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(key)) return false;
  const after = c.seps[p + 1];
  return quoted ? after.startsWith('"') : after === '' || /^[\s,;]/.test(after);
}

/** The quote (`"` or `'`) around the whole value at position `p`, or '' when it is not quoted. */
function quoteOfSlot(c: Cluster, p: number): string {
  const before = c.seps[p];
  const quote = before[before.length - 1];
  return (quote === '"' || quote === "'") && c.seps[p + 1].startsWith(quote) ? quote : '';
}

/** Position `p` is a whole value in double or single quotes (`Lock "compute_resources"`, `Module 'ReJSON'`): quoted text is data. */
function isQuotedSlot(c: Cluster | undefined, p: number): boolean {
  return c !== undefined && quoteOfSlot(c, p) !== '';
}

/**
 * Position `p` is one half of a `Class::member` whose other half is a variable
 * (`AppleDaileakZol::<*>`, `<*>::powerUp`): the two are one identifier printed
 * from data, and each half varies with the other.
 */
function isScopeOfVariable(c: Cluster | undefined, p: number): boolean {
  if (c === undefined) return false;
  if (p + 1 < c.words.length && c.seps[p + 1] === '::' && c.words[p + 1] === null) return true;
  return p > 0 && c.seps[p] === '::' && c.words[p - 1] === null;
}

/** A space, or a colon or comma and a space: what stands between a sentence's words. */
const SPACE_AFTER_WORD = /^[:,]? $/;

/**
 * Position `p` holds a plain word between a constant word and a variable, after a space
 * (or ': ', ', ': SPACE_AFTER_WORD) and before one ("for service <*>", "thrown: Flavor <*>"):
 * the kind of the value that follows, as a key is, one of the program's few (a closed set, not a name).
 */
function isKindBeforeValue(c: Cluster | undefined, p: number): boolean {
  if (c === undefined || p === 0 || p + 1 >= c.words.length) return false;
  return c.words[p - 1] !== null && c.words[p + 1] === null && SPACE_AFTER_WORD.test(c.seps[p]) && c.seps[p + 1] === ' ' && isPlainWord(c.words[p]!);
}

/** Capitals only, two or more (ALLOWED, DENIED, TRUE): an enum's constant, as printed for a key. */
function isUpperCaseWord(w: string): boolean {
  return /^[A-Z][A-Z_]+$/.test(w);
}

/**
 * Position `p` is a `key=value` or `key="value"` slot (isKeyValueSlot) where neither
 * `a` nor `b` holds a word shaped like the program's own constants (ALLOWED, deferred):
 * such values of a record of keys vary together like a record's fields do.
 */
function isDataValueOfKey(a: Cluster, b: Cluster, p: number): boolean {
  if (!isKeyValueSlot(a, p)) return false;
  for (const w of [a.words[p], b.words[p]]) if (w !== null && wordKindOf(w) === WordKind.Closed) return false;
  return true;
}

/** A capitalised word, or capitalised words run together (Sleep, DarkWake, VersionComp). */
const CAPITALISED_NAME = /^[A-Z][a-z]+(?:[A-Z][a-z]+)*$/;

/** A record's key: a plain word (Package, current) or a CamelCase name of words (VersionComp, RevisionComp). */
function isFieldKey(w: string | null): boolean {
  return w !== null && (isPlainWord(w) || CAPITALISED_NAME.test(w));
}

/** Words `p` and `q` are neighbours joined by punctuation without whitespace ("a:b", "a/b"). */
function isGluedPair(c: Cluster, p: number, q: number): boolean {
  if (q !== p + 1) return false;
  const sep = c.seps[q];
  return sep.length > 0 && !/\s/.test(sep);
}

/**
 * Neighbours `p`, `q` = p + 1 apart by a space hold a few two-word phrases of lower-case
 * words ("power button", "screen timeout", "lid switch"): a program's own reasons or kinds,
 * each its own event, as a closed set of single words is until closedValuesToGeneralize.
 * Names of two words are rare; few values of a two-word slot are mostly the program's,
 * except after a label (`key: `), where what follows is printed data.
 */
function isClosedPhrase(members: readonly Cluster[], p: number, q: number, fewest: number): boolean {
  if (q !== p + 1 || members[0].seps[q] !== ' ') return false;
  if (members[0].seps[p].endsWith(': ')) return false; // a label's value ("START: crim deelo") is data
  const phrases = new Set<string>();
  for (const m of members) {
    const a = m.words[p]!;
    const b = m.words[q]!;
    if (!LOWER_WORD.test(a) || !LOWER_WORD.test(b)) return false;
    phrases.add(a + ' ' + b);
  }
  return phrases.size <= fewest;
}

/**
 * Every member says one lower-case word twice, at `p` and at `q` ("Quota exceeded for ram: Requested 4,
 * but already used 60 of 64 ram"), and there are a few such words: the word is the kind the message is
 * about, each its own event, as a few two-word phrases are (isClosedPhrase). More than `fewest` words
 * are values as usual.
 */
function isRepeatedKind(members: readonly Cluster[], p: number, q: number, fewest: number): boolean {
  const kinds = new Set<string>();
  for (const m of members) {
    const w = m.words[p]!;
    if (w !== m.words[q] || !LOWER_WORD.test(w)) return false;
    kinds.add(w);
  }
  return kinds.size <= fewest;
}

/** Letters only, all lower case (a program's English word or an invented name). */
const LOWER_WORD = /^[a-z]+$/;

/** Each word at `p` goes with one word at `q` and each word at `q` with one at `p` (they change together). */
function changeTogether(members: readonly Cluster[], p: number, q: number): boolean {
  const pq = new Map<string, string>();
  const qp = new Map<string, string>();
  for (const m of members) {
    const a = m.words[p]!;
    const b = m.words[q]!;
    if ((pq.get(a) ?? b) !== b || (qp.get(b) ?? a) !== a) return false;
    pq.set(a, b);
    qp.set(b, a);
  }
  return true;
}

/**
 * The two groups' pairs stand in one frame of sibling events: after the same word (or
 * both opening the message) and before the same last word ("data / instruction storage
 * interrupt", "data / instruction TLB error interrupt"): the pair is a program's own
 * modifier of one family of events, not values met in two places. Names that recur
 * stand in different sentences ("query on alice took", "session closed for alice").
 * A variable before both pairs is no word they share ("<*> alice connected ok",
 * "port <*> alice dropped the session ok" are two sentences).
 */
function sameFrame(g: SiblingGroup, other: SiblingGroup): boolean {
  const before = (x: SiblingGroup) => (x.position === 0 ? '' : x.members[0].words[x.position - 1]);
  const last = (x: SiblingGroup) => {
    const words = x.members[0].words;
    return x.position === words.length - 1 ? undefined : words[words.length - 1];
  };
  const end = last(g);
  const start = before(g);
  return start !== null && start === before(other) && end !== undefined && end !== null && end === last(other);
}

/** Templates identical except at `position` (all constant there). */
interface SiblingGroup {
  readonly key: string;
  readonly position: number;
  readonly members: Cluster[];
  /** Members whose word at `position` is of WordKind.Digit / WordKind.Closed. */
  withDigits: number;
  closed: number;
  /** Its two words also form the sibling group of another position or template (see corroboratedPairs). */
  corroborated: boolean;
}

class Cluster {
  live = true;
  /**
   * An elastic template (length-merge.ts): words are all variables that match
   * any text, seps are the constant texts between them. Not in a bucket.
   */
  elastic = false;
  /** Elastic only: its parts as a token pattern, each variable one null word (computed when first needed). */
  shape: TokenPattern | undefined;
  /**
   * Elastic only, made from free text: some of the templates it superseded (at most
   * MAX_ABSORBED_TEXTS), whose texts stay evidence for other frames (textsRecur).
   * Kept in snapshots (as text patterns): a restored miner merges frames as the original does.
   */
  absorbed: TokenPattern[] | undefined;
  /** Elastic only: which variables stand for an optional bracketed part (length-merge.ts fitsOptional). */
  optionalVars: boolean[] | undefined;
  /** Elastic only: buckets already searched for templates it covers (sweepBucket), by hash. */
  sweptBuckets: Set<number> | undefined;
  /** Keys of the anchor lists the cluster is in (anchorsOf). */
  anchors: string[] = [];
  registered = false;
  /** The add() that made this cluster (TemplateMiner.adds): a text superseded earlier and current again is new too. */
  createdAt = 0;
  /** Order of creation among all clusters (TemplateMiner.created): anchor lists are in this order, and so are snapshots. */
  seq = 0;
  successor: Cluster | undefined;
  lastUsed = 0;
  /**
   * Lines placed in this template or in the templates it superseded: how
   * much of its event has been seen (namePairLines). A generalisation starts
   * with its members' lines, not from zero.
   */
  lines = 0;
  readonly groups: SiblingGroup[] = [];
  /**
   * Positions made variable from values of one dotted or pathlike shape (valueShapeOf:
   * `a.a` file names, `a.a.a` hosts; markStructured): absorbSubsumed leaves a plain
   * word there to its own template (keywordsAmongValues).
   */
  structuredAt: number[] | undefined;
  /**
   * Templates it covers that absorbSubsumed left apart for a closed-shaped word (at most
   * MAX_HELD_APART), looked at again when it learns a value (recheckHeldApart);
   * undefined until absorbSubsumed has run for it (kept in snapshots; one restored from an
   * older snapshot looks for them once).
   */
  heldApart: Cluster[] | undefined;
  readonly constants: number;
  constructor(
    readonly bucket: Bucket,
    /** Exact separators: seps.length === words.length + 1. */
    readonly seps: readonly string[],
    /** null = variable */
    readonly words: ReadonlyArray<string | null>,
    readonly patternKey: string,
    readonly record: TemplateRecord,
  ) {
    let constants = 0;
    for (const w of words) if (w !== null) constants++;
    this.constants = constants;
  }
}

const WORD_JOIN = '\u0000';

/**
 * Identity of a template's structure (exact separators and words): every
 * piece is length-prefixed, so no content (separators may hold any control
 * character) can make two structures collide. `*` marks a variable.
 */
function patternKeyOf(seps: readonly string[], words: ReadonlyArray<string | null>): string {
  let key = '';
  for (let k = 0; k < seps.length; k++) {
    key += seps[k].length + ':' + seps[k];
    if (k < words.length) {
      const w = words[k];
      key += w === null ? '*' : w.length + ':' + w;
    }
  }
  return key;
}

/** FNV-1a 32 over UTF-16 code units. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3 finaliser of a word hash mixed with its position (seed picks one of two independent families). */
function mixAt(h: number, position: number, seed: number): number {
  let x = (h ^ Math.imul(position + 1, seed)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

const SEED_A = 0x9e3779b9;
const SEED_B = 0x7f4a7c15;
const VARIABLE_HASH = 0x2545f491;

/**
 * Sibling-group keys of a template, one per constant word position: a 64-bit
 * hash of (separators, all words except that position, the position). Hashes
 * keep memory per template O(words) instead of O(words x line length);
 * membership is verified word by word before a group generalises.
 */
function groupKeysOf(seps: readonly string[], words: ReadonlyArray<string | null>): Map<number, string> {
  const sepsHash = hash32(seps.join(WORD_JOIN));
  const n = words.length;
  const a = new Array<number>(n);
  const b = new Array<number>(n);
  let totalA = sepsHash;
  let totalB = Math.imul(sepsHash, 0x27d4eb2d) >>> 0;
  for (let i = 0; i < n; i++) {
    const w = words[i];
    const h = w === null ? VARIABLE_HASH : hash32(w);
    a[i] = mixAt(h, i, SEED_A);
    b[i] = mixAt(h, i, SEED_B);
    totalA = (totalA + a[i]) >>> 0;
    totalB = (totalB + b[i]) >>> 0;
  }
  const keys = new Map<number, string>();
  for (let p = 0; p < n; p++) {
    if (words[p] === null) continue;
    keys.set(p, `${p}:${(totalA - a[p]) >>> 0}:${(totalB - b[p]) >>> 0}`);
  }
  return keys;
}

function sameSeps(a: Cluster, b: Cluster): boolean {
  for (let k = 0; k < a.seps.length; k++) if (a.seps[k] !== b.seps[k]) return false;
  return true;
}

/** a and b have identical separators and words except at position p. */
function sameExcept(a: Cluster, b: Cluster, p: number): boolean {
  if (a.words.length !== b.words.length) return false;
  for (let i = 0; i < a.words.length; i++) if (i !== p && a.words[i] !== b.words[i]) return false;
  for (let k = 0; k < a.seps.length; k++) if (a.seps[k] !== b.seps[k]) return false;
  return true;
}

function templateTextOf(seps: readonly string[], words: ReadonlyArray<string | null>): string {
  let out = '';
  let run = seps[0];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === null) {
      out += escapeConstant(run) + '<*>';
      run = seps[i + 1];
    } else {
      run += w + seps[i + 1];
    }
  }
  return out + escapeConstant(run);
}

const SEP_EXACT = 0;
/** The line's separator is the template's plus extra whitespace at its end: the next argument carries it. */
const SEP_INTO_NEXT = 1;
/** The line's separator is extra whitespace plus the template's: the previous argument carries it. */
const SEP_INTO_PREVIOUS = 2;
const SEP_MISFIT = -1;

/**
 * How separator `actual` fits template separator `expected` when the word
 * before it (varBefore) or after it (varAfter) is a variable in the template.
 */
function sepFit(expected: string, actual: string, varBefore: boolean, varAfter: boolean): number {
  if (actual === expected) return SEP_EXACT;
  const extra = actual.length - expected.length;
  if (extra <= 0) return SEP_MISFIT;
  if (varAfter && actual.startsWith(expected) && isWhitespace(actual, expected.length)) return SEP_INTO_NEXT;
  if (varBefore && actual.endsWith(expected) && isWhitespace(actual, 0, extra)) return SEP_INTO_PREVIOUS;
  return SEP_MISFIT;
}

/** Whether the template (words, seps) accepts the given separators. */
function sepsFit(tw: ReadonlyArray<string | null>, ts: readonly string[], seps: readonly string[]): boolean {
  const n = tw.length;
  for (let k = 0; k <= n; k++) {
    const expected = ts[k];
    const actual = seps[k];
    if (actual === expected) continue;
    if (sepFit(expected, actual, k > 0 && tw[k - 1] === null, k < n && tw[k] === null) === SEP_MISFIT) return false;
  }
  return true;
}

/** a subsumes b: wherever a is constant, b has the same constant, and b's separators fit a's. */
function subsumes(a: Cluster, b: Cluster): boolean {
  const aw = a.words;
  const bw = b.words;
  for (let i = 0; i < aw.length; i++) {
    const w = aw[i];
    if (w !== null && w !== bw[i]) return false;
  }
  return sepsFit(aw, a.seps, b.seps);
}

/** Where `general` has a variable, `specific` has a word shaped like a program constant. */
function hidesClosedWord(general: Cluster, specific: Cluster, isName: (w: string) => boolean, isValueAt: (i: number) => boolean): boolean {
  const gw = general.words;
  const sw = specific.words;
  for (let i = 0; i < gw.length; i++) {
    const w = sw[i];
    if (gw[i] === null && w !== null && wordKindOf(w) === WordKind.Closed && !isScopeOfVariable(general, i) && !isName(w) && !isValueAt(i)) return true;
  }
  return false;
}

/** Where `general`'s values had one dotted or pathlike shape (structuredAt), `specific` has a plain word. */
function hidesKeyword(general: Cluster, specific: Cluster): boolean {
  const at = general.structuredAt;
  if (at === undefined) return false;
  for (const p of at) {
    const w = specific.words[p];
    if (w !== null && w !== undefined && isPlainWord(w)) return true;
  }
  return false;
}

/** Notes on `target` that its variable at `p` was made from `values` of one shape with a dot, slash or colon (structuredAt). */
function markStructured(target: Cluster, p: number, values: readonly string[]): void {
  const shape = valueShapeOf(values[0]);
  if (!/[./:]/.test(shape) || values.some((v) => valueShapeOf(v) !== shape)) return;
  const at = (target.structuredAt ??= []);
  if (!at.includes(p)) at.push(p);
}

/**
 * The shape of a value: runs of letters as `a`, runs of digits as `0`, other
 * characters as themselves (`bachaiglis.img` and `pothain.elf` are `a.a`,
 * `proxy.kagle.net` is `a.a.a`, `default` is `a`).
 */
function valueShapeOf(w: string): string {
  let shape = '';
  let last = '';
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    const k = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 'a' : c >= 48 && c <= 57 ? '0' : w[i];
    if ((k === 'a' || k === '0') && k === last) continue;
    shape += k;
    last = k;
  }
  return shape;
}

/**
 * The members at `p` whose word is a plain word (`default`, `none`) while all
 * the others share one shape with a dot, slash or colon (valueShapeOf: file
 * names, dotted hosts, paths): a keyword the program prints in place of such a
 * value is its own event, not one more value. Undefined when there is none or
 * the values have no such single shape. Dashed or underscored names are not
 * evidence: services name things `zel-data` and `pios` alike.
 */
function keywordsAmongValues(members: readonly Cluster[], p: number): Set<Cluster> | undefined {
  let shape: string | undefined;
  let keywords: Set<Cluster> | undefined;
  for (const m of members) {
    const w = m.words[p]!;
    if (isPlainWord(w)) {
      (keywords ??= new Set()).add(m);
      continue;
    }
    const s = valueShapeOf(w);
    if (shape === undefined) shape = s;
    else if (s !== shape) return undefined;
  }
  return keywords !== undefined && shape !== undefined && /[./:]/.test(shape) ? keywords : undefined;
}

/**
 * Where a constant word occurs, for namePairLines: the bucket, the position
 * and the word before it (its key; '' when that is a variable or the start).
 * Bucket hash collisions only blur the evidence.
 */
/** Whether word `at` stands between whitespace in a line of separators `seps` (a word of the text, no glued part). */
function standsAlone(seps: readonly string[], at: number): boolean {
  const before = seps[at]!;
  const after = seps[at + 1] ?? '';
  return before.length > 0 && isWhitespace(before, before.length - 1) && after.length > 0 && isWhitespace(after, 0, 1);
}

function slotOf(bucket: Bucket, words: ReadonlyArray<string | null>, position: number): string {
  return `${bucket.hash}:${position}:${(position > 0 ? words[position - 1] : null) ?? ''}`;
}

/** The key part of a slotOf() text: the word before the occurrence. */
function keyOfSlot(slot: string): string {
  return slot.slice(slot.indexOf(':', slot.indexOf(':') + 1) + 1);
}

/** Occurrences of `w` in `slot` among `members`. */
function usesIn(members: readonly Cluster[], w: string, slot: string): number {
  let n = 0;
  for (const m of members) {
    const words = m.words;
    for (let i = 0; i < words.length; i++) if (words[i] === w && slotOf(m.bucket, words, i) === slot) n++;
  }
  return n;
}

function hasUpperCase(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/** Longest ending that makes another form of a word (failure/failures, open/opened, lock/locking, eth0/eth1). */
const MAX_INFLECTION = 3;

/**
 * Two forms of one word: a common stem of 3+ characters and endings of at
 * most MAX_INFLECTION characters (failure/failures, open/opened, eth0/eth1,
 * proto2/proto3): variants the program spells, not two names.
 */
function areInflections(a: string, b: string): boolean {
  let stem = 0;
  const n = Math.min(a.length, b.length);
  while (stem < n && a.charCodeAt(stem) === b.charCodeAt(stem)) stem++;
  return (stem >= 3 && a.length - stem <= MAX_INFLECTION && b.length - stem <= MAX_INFLECTION) || areNegations(a, b);
}

/**
 * One word is the other with a short prefix, whatever the case: connect /
 * disconnect, available / unavailable, Associated / Disassociated, Install /
 * Uninstall. A word and its negation are a program's pair of states, not two
 * values of a variable.
 */
function areNegations(a: string, b: string): boolean {
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  const extra = long.length - short.length;
  if (short.length < 4 || extra < 2 || extra > MAX_NEGATION_PREFIX) return false;
  return long.slice(extra).toLowerCase() === short.toLowerCase();
}

/** Longest prefix that negates a word (dis-, un-, in-, non-, de-). */
const MAX_NEGATION_PREFIX = 3;

/** Every word of `c` from `from` on is a constant (a sentence of the program's, no value inside). */
function allConstantFrom(c: Cluster, from: number): boolean {
  for (let i = from; i < c.words.length; i++) if (c.words[i] === null) return false;
  return true;
}

/** An English article: what stands after a verb, seldom after a name. */
function isArticle(w: string | null | undefined): boolean {
  return w === 'the' || w === 'a' || w === 'an';
}

/** Capitalised words opening the message (Sleep / Wake / DarkWake reason): the program's own sentences, not names. */
function isCapitalisedOpening(words: readonly string[], position: number): boolean {
  return position === 0 && words.every((w) => CAPITALISED_NAME.test(w));
}

/** Two of the words are one short name with two small numbers (eth0/eth1, ib0/ib1: isVersionedName). */
function holdsNumberedPair(words: readonly string[]): boolean {
  return mostNumberedForms(words) >= 2;
}

/** Fewest numbered forms of one name that are its indexes (CPU0 / CPU1 / CPU2), not a program's pair of devices. */
const NUMBERED_RUN = 3;

/**
 * NUMBERED_RUN of the words are one short name with different small numbers
 * (CPU0 / CPU1 / CPU2, hda1 / hda2 / hda5): the name's indexes, a value with
 * its prefix glued on as the real corrected templates keep it (blk_<*>,
 * rdd_<*>), however the name is spelled (upper case, like SOCKS5, is a closed
 * constant alone). Two (eth0 / eth1, SOCKS4 / SOCKS5) stay a closed pair.
 */
function holdsNumberedRun(words: readonly string[]): boolean {
  return mostNumberedForms(words) >= NUMBERED_RUN;
}

/** The most words that are numbered forms of one short name (isVersionedName: eth0, eth1 -> 2). */
function mostNumberedForms(words: readonly string[]): number {
  const counts = new Map<string, number>();
  let most = 0;
  for (const w of words) {
    if (!isVersionedName(w)) continue;
    const stem = w.replace(/\d+$/, '');
    const n = (counts.get(stem) ?? 0) + 1;
    counts.set(stem, n);
    most = Math.max(most, n);
  }
  return most;
}

/**
 * Two of the words are dotted names under different lower-case packages
 * (com.so.hal.ACTION_SYNC / org.skesh.hiolt.SYNC_THIO): a capital makes a
 * dotted word look like the program's own constant (org.apache.Foo), but
 * names from other packages are other programs' (applications, intents,
 * classes) printed from data.
 */
function holdsNamesOfPackages(words: readonly string[]): boolean {
  let first: string | undefined;
  for (const w of words) {
    const dot = w.lastIndexOf('.');
    if (dot < 3 || w.indexOf('.') === dot || !/^[a-z][a-z0-9_.]*$/.test(w.slice(0, dot))) continue;
    const pkg = w.slice(0, dot);
    if (first === undefined) first = pkg;
    else if (pkg !== first) return true;
  }
  return false;
}

/** Letters the words all start with (a stem: `com.` of dotted names is a namespace, not one). */
function commonPrefixLength(words: readonly string[]): number {
  if (words.length < 2) return 0;
  const first = words[0];
  let n = 0;
  while (n < first.length && /[A-Za-z]/.test(first[n])) n++;
  for (const w of words) {
    let k = 0;
    while (k < n && k < w.length && w.charCodeAt(k) === first.charCodeAt(k)) k++;
    n = k;
  }
  return n;
}

/** Two of `words` are a word and its negation (areNegations). */
function holdsNegationPair(words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) for (let j = i + 1; j < words.length; j++) if (areNegations(words[i], words[j])) return true;
  return false;
}

/** A snapshot's text pattern: seps (strings) and words (strings or null), one more sep than words. */
function isPatternJSON(t: unknown): t is { seps: string[]; words: Array<string | null> } {
  const p = t as { seps?: unknown; words?: unknown } | null;
  return (
    p !== null &&
    typeof p === 'object' &&
    Array.isArray(p.seps) &&
    Array.isArray(p.words) &&
    p.seps.length === p.words.length + 1 &&
    p.seps.every((sep) => typeof sep === 'string') &&
    p.words.every((w) => w === null || typeof w === 'string')
  );
}

function validateOptions(o: MinerOptions): MinerOptions {
  const intAtLeast = (name: keyof MinerOptions, min: number): void => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new RangeError(`template miner: ${name} must be an integer >= ${min}, got ${String(v)}`);
    }
  };
  intAtLeast('distinctValuesToGeneralize', 2);
  intAtLeast('digitValuesToGeneralize', 2);
  intAtLeast('closedValuesToGeneralize', 2);
  intAtLeast('namePairLines', 0);
  intAtLeast('maxWords', 1);
  intAtLeast('maxLineLength', 1);
  intAtLeast('maxTemplates', 1);
  if (typeof o.maskKeywords !== 'boolean') throw new RangeError('template miner: maskKeywords must be a boolean');
  if (typeof o.learnValues !== 'boolean') throw new RangeError('template miner: learnValues must be a boolean');
  if (typeof o.corroboratedPairs !== 'boolean') throw new RangeError('template miner: corroboratedPairs must be a boolean');
  if (typeof o.mergeLengths !== 'boolean') throw new RangeError('template miner: mergeLengths must be a boolean');
  return o;
}

export class TemplateMiner {
  readonly options: MinerOptions;
  /** Buckets by skeleton hash (a list only on a hash collision). */
  private readonly buckets = new Map<number, Bucket[]>();
  private readonly byPattern = new Map<string, Cluster>();
  private readonly groups = new Map<string, SiblingGroup>();
  private readonly records = new Map<bigint, TemplateRecord>();
  /** Records superseded during the current add() (see pruneUnusedIntermediates). */
  private readonly supersededNow: TemplateRecord[] = [];
  /** Records superseded during the current addBatch(); undefined outside one (see pruneBatchIntermediates). */
  private supersededInBatch: TemplateRecord[] | undefined;
  private liveCount = 0;
  private clock = 0;
  /** Calls of add() so far: tells which records were created by the current one. */
  private adds = 0;
  /** Words seen as values of a generalised position (see maskKnownValues), oldest first. */
  private readonly knownValues = new Map<string, number>();
  /** Two-word sibling groups by their (sorted) pair of words, oldest first (corroboratedPairs). */
  private readonly pairs = new Map<string, SiblingGroup>();
  /**
   * Constant words of the live bucket templates: per word, how many times it
   * occurs in each slot (slotOf: bucket and position). namePairLines: a word
   * of the program's own messages is no name. Bounded by the live templates' words.
   */
  private readonly constantUses = new Map<string, Map<string, number>>();
  /** Spelling of the distinct constant words of live templates and of the known values (word-style.ts). */
  private readonly constantStyle = new BigramModel();
  private readonly valueStyle = new BigramModel();
  /** Recent templates by anchor (length-merge candidates) and elastic templates by anchor. */
  private readonly byAnchor = new Map<string, Cluster[]>();
  private readonly elasticByAnchor = new Map<string, Cluster[]>();
  /**
   * The newest elastic templates made from free text (their absorbed texts are evidence: textsRecur),
   * oldest first; null holds the place of one retired before a snapshot (only its place counts then).
   */
  private readonly freeTextTemplates: Array<Cluster | null> = [];
  private elasticCount = 0;
  /** Clusters created so far (Cluster.seq). */
  private created = 0;
  /** Reused by every add()/match(): nothing from it is kept without copying. */
  private readonly scratch = newTokenizedLine();
  /** The text `scratch` holds the tokens of, unchanged since tokenizeInto made them (tokensOf); undefined when none. */
  private scratchText: string | undefined;

  constructor(options?: Partial<MinerOptions>) {
    this.options = validateOptions(Object.freeze({ ...DEFAULT_MINER_OPTIONS, ...options }));
  }

  /** Places a line, learning from it. Never throws for any string input. */
  add(text: string): MatchResult {
    this.adds++;
    const line = this.tokensOf(text);
    let bucket = this.bucketOf(line.skeletonHash, line.seps);
    if (bucket !== undefined) {
      const hit = this.findExact(bucket, line);
      if (hit !== undefined) {
        if (this.options.learnValues) this.learnValuesOf(hit, line);
        return this.placeHit(hit, line);
      }
    }
    if (bucket !== undefined && this.options.learnValues && this.maskKnownValues(line)) {
      const hit = this.findExact(bucket, line);
      if (hit !== undefined) return this.placeHit(hit, line);
    }
    if (this.elasticCount > 0) {
      const elastic = this.matchElastic(text, line);
      if (elastic !== undefined) {
        if (bucket !== undefined) this.sweepBucket(elastic.cluster, bucket);
        elastic.cluster.record.count++;
        elastic.cluster.lastUsed = ++this.clock;
        return this.elasticResultOf(elastic.cluster, elastic.args, false);
      }
    }
    if (bucket === undefined) {
      if (this.options.learnValues) this.maskKnownValues(line);
      bucket = this.addBucket(line.skeletonHash, line.seps);
    }
    const pattern: Array<string | null> = new Array(line.words.length);
    for (let i = 0; i < pattern.length; i++) pattern[i] = line.masked[i] ? null : line.words[i];
    const created = this.createCluster(bucket, line.seps.slice(), pattern);
    this.absorbSubsumed(created);
    this.registerAndGeneralize(created);
    let final = created;
    while (final.successor !== undefined) final = final.successor;
    if (!final.live || !this.fits(final, line)) {
      // defensive: rendering must stay exact even if a cascade ended somewhere unexpected
      bucket = this.bucketOf(line.skeletonHash, line.seps) ?? this.addBucket(line.skeletonHash, line.seps);
      final = this.findExact(bucket, line) ?? this.createCluster(bucket, line.seps.slice(), pattern);
    }
    if ((final.record.count === 0 || final.createdAt === this.adds) && this.options.mergeLengths) {
      // a template new with this line (its own, or the generalisation it caused; or a text
      // superseded before and made again: its old count says nothing about this line's shape)
      const merged = this.mergeByLength(final, text, line);
      if (merged !== undefined) {
        merged.cluster.record.count++;
        merged.cluster.lastUsed = ++this.clock;
        this.pruneUnusedIntermediates();
        this.evictIfNeeded();
        return this.elasticResultOf(merged.cluster, merged.args, true);
      }
    }
    final.record.count++;
    final.lines++;
    final.lastUsed = ++this.clock;
    this.pruneUnusedIntermediates();
    this.evictIfNeeded();
    return this.resultOf(final, line, true);
  }

  /**
   * Assigns a line to the template it matched exactly. Every namePairLines-th
   * line of a template, a pair of names it forms with a sibling may
   * generalise (confirmNamePairs; again later, since the evidence against a
   * pair can go: a name that was a constant elsewhere becomes a variable
   * there): then the line goes to the general template.
   */
  private placeHit(hit: Cluster, line: TokenizedLine): MatchResult {
    hit.lastUsed = ++this.clock;
    const every = this.options.namePairLines;
    hit.record.count++;
    hit.lines++;
    if (every === 0 || hit.lines % every !== 0 || hit.groups.length === 0) return this.resultOf(hit, line, false);
    const final = this.confirmNamePairs(hit);
    let result: MatchResult;
    if (final !== hit && final.live && this.fits(final, line)) {
      hit.record.count--;
      final.record.count++;
      final.lastUsed = this.clock;
      result = this.resultOf(final, line, true);
    } else {
      result = this.resultOf(hit, line, false);
    }
    this.pruneUnusedIntermediates();
    this.evictIfNeeded();
    return result;
  }

  /**
   * Places a batch of lines, learning from all of them before any is handed
   * out: what a collector does with one export request (an OTLP batch, a file
   * tail read) before it emits its records.
   *
   * Contract:
   * - every line is add()ed in order (the miner learns exactly as from
   *   add() one line at a time; the learned state is the same);
   * - then every line whose template was superseded later in the batch
   *   (resolve(id) !== id) is placed again with match() on the templates the
   *   whole batch taught, so the lines of one event leave with one template
   *   even when its first lines came before the second value that
   *   generalised it. The line moves only when match() finds the template its
   *   old one resolves to and renderTemplate(template, args) reproduces the
   *   line exactly; otherwise it keeps its add() result (exactness is never
   *   traded for grouping);
   * - `changed` is the line's add() flag (it created or generalised a template);
   * - template counts follow the lines that moved, and templates created and
   *   superseded inside the batch that no returned result uses are dropped
   *   from the dictionary (templates()), links through them shortened:
   *   every id in the dictionary was handed out at least once, and every
   *   supersededBy leads to a template that exists.
   * Templates handed out by earlier calls keep their entries and links.
   */
  addBatch(texts: readonly string[]): MatchResult[] {
    const firstAdd = this.adds + 1;
    const superseded: TemplateRecord[] = [];
    this.supersededInBatch = superseded;
    const results: MatchResult[] = new Array(texts.length);
    try {
      for (let i = 0; i < texts.length; i++) results[i] = this.add(texts[i]);
    } finally {
      this.supersededInBatch = undefined;
    }
    if (superseded.length === 0) return results;
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      const current = this.resolve(r.templateId);
      if (current === r.templateId) continue;
      const m = this.match(texts[i]);
      if (m === undefined || m.templateId !== current || renderTemplate(m.template, m.args) !== texts[i]) continue;
      const from = this.records.get(r.templateId);
      const to = this.records.get(current);
      if (from !== undefined && from.count > 0) from.count--;
      if (to !== undefined) to.count++;
      results[i] = { templateId: m.templateId, template: m.template, args: m.args, changed: r.changed };
    }
    this.pruneBatchIntermediates(superseded, firstAdd);
    return results;
  }

  /**
   * `text` tokenized into `scratch`, or scratch as it is when it already holds text's tokens
   * unchanged: a sender repeating one message (a load driver's fixed body, a health check
   * logged in a loop) is tokenized once per run of repeats. The tokenizer reads nothing
   * but the text and the options; only maskKnownValues changes a tokenized line, and it
   * says so (scratchText cleared).
   */
  private tokensOf(text: string): TokenizedLine {
    if (text === this.scratchText) return this.scratch;
    this.scratchText = text;
    return tokenizeInto(text, this.options, this.scratch);
  }

  /** Places a line without learning: undefined when no current template matches it exactly. */
  match(text: string): MatchResult | undefined {
    const line = this.tokensOf(text);
    const bucket = this.bucketOf(line.skeletonHash, line.seps);
    const hit = bucket === undefined ? undefined : this.findExact(bucket, line);
    if (hit !== undefined) return this.resultOf(hit, line, false);
    if (this.elasticCount === 0) return undefined;
    const elastic = this.matchElastic(text, line);
    return elastic === undefined ? undefined : this.elasticResultOf(elastic.cluster, elastic.args, false);
  }

  /** Every template ever produced (the dictionary), superseded ones included. */
  templates(): MinedTemplate[] {
    const out: MinedTemplate[] = [];
    for (const r of this.records.values()) out.push(this.publicOf(r));
    return out;
  }

  /** One dictionary entry by id. */
  template(id: bigint): MinedTemplate | undefined {
    const r = this.records.get(id);
    return r === undefined ? undefined : this.publicOf(r);
  }

  /** Follows supersededBy links to the template that now holds the lines of `id`. */
  resolve(id: bigint): bigint {
    let current = id;
    for (let hops = 0; hops <= this.records.size; hops++) {
      const next = this.records.get(current)?.supersededBy;
      if (next === undefined) return current;
      current = next;
    }
    return current; // unreachable unless the dictionary is corrupt (a cycle)
  }

  /** Number of live (matchable) templates. */
  get size(): number {
    return this.liveCount;
  }

  toJSON(): MinerSnapshot {
    const templates: Array<{ id: string; template: string; count: number; supersededBy?: string }> = [];
    for (const r of this.records.values()) {
      const entry: { id: string; template: string; count: number; supersededBy?: string } = {
        id: r.id.toString(),
        template: r.text,
        count: r.count,
      };
      if (r.supersededBy !== undefined) entry.supersededBy = r.supersededBy.toString();
      templates.push(entry);
    }
    const clusters: MinerSnapshot['clusters'] = [];
    // in creation order, each with the anchor lists it is still in: restored, the lists of
    // length-merge candidates hold the same templates in the same order
    const regular = [...this.buckets.values()].flatMap((list) => list.flatMap((b) => b.clusters)).sort((a, b) => a.seq - b.seq);
    const indexOf = new Map(regular.map((c, k) => [c, k]));
    for (const c of regular) {
      // the live ones only (recheckHeldApart skips a retired one), of templates with a variable (the only ones rechecked)
      const heldApart = c.constants < c.words.length ? c.heldApart?.flatMap((h) => (h.live && indexOf.has(h) ? [indexOf.get(h)!] : [])) : undefined;
      clusters.push({
        id: c.record.id.toString(),
        seps: c.seps.slice(),
        words: c.words.slice(),
        lastUsed: c.lastUsed,
        ...(c.lines !== c.record.count ? { lines: c.lines } : {}),
        ...(c.structuredAt !== undefined ? { structuredAt: c.structuredAt.slice() } : {}),
        ...(this.options.mergeLengths ? { anchors: c.anchors.slice() } : {}),
        ...(heldApart !== undefined ? { heldApart } : {}),
      });
    }
    const elastic: Cluster[] = [];
    for (const [anchor, list] of this.elasticByAnchor) for (const c of list) if (c.anchors[0] === anchor) elastic.push(c); // listed once
    for (const c of elastic.sort((a, b) => a.seq - b.seq)) {
      clusters.push({
        id: c.record.id.toString(),
        seps: c.seps.slice(),
        words: c.words.slice(),
        lastUsed: c.lastUsed,
        elastic: true,
        optional: (c.optionalVars ?? []).slice(),
        ...(c.absorbed !== undefined ? { absorbed: c.absorbed.map((t) => ({ seps: t.seps.slice(), words: t.words.slice() })) } : {}),
      });
    }
    const knownValues = [...this.knownValues.keys()];
    const freeText = this.freeTextTemplates.map((c) => (c !== null && c.live ? c.record.id.toString() : null));
    const corroborated = [...this.groups.values()].filter((g) => g.corroborated).map((g) => g.key).sort();
    const pairs = [...this.pairs].map(([pair, g]): [string, string | null] => [pair, this.groups.get(g.key) === g ? g.key : null]);
    return { format: 'logfun.template-miner', version: 1, options: { ...this.options }, templates, clusters, knownValues, freeText, corroborated, pairs };
  }

  /**
   * Restores a miner from toJSON() output (also after a JSON.stringify/parse
   * round trip). Throws a TypeError naming the problem on malformed input.
   * `options` override the saved ones (e.g. a new maxTemplates).
   */
  static fromJSON(json: unknown, options?: Partial<MinerOptions>): TemplateMiner {
    const snap = json as MinerSnapshot;
    if (snap === null || typeof snap !== 'object' || snap.format !== 'logfun.template-miner') {
      throw new TypeError('template miner snapshot: not a logfun.template-miner document');
    }
    if (snap.version !== 1) throw new TypeError(`template miner snapshot: unsupported version ${String(snap.version)}`);
    if (!Array.isArray(snap.templates) || !Array.isArray(snap.clusters)) {
      throw new TypeError('template miner snapshot: templates and clusters must be arrays');
    }
    const miner = new TemplateMiner({ ...(snap.options ?? {}), ...options });
    const freeTextById = new Map<string, Cluster>();
    const restored: Cluster[] = []; // one per snapshot cluster, in its order (heldApart's indices)
    for (const t of snap.templates) {
      if (typeof t?.template !== 'string' || typeof t.id !== 'string' || typeof t.count !== 'number') {
        throw new TypeError('template miner snapshot: template entries need id, template and count');
      }
      const id = templateIdOf(t.template);
      if (id.toString() !== t.id) throw new TypeError(`template miner snapshot: id ${t.id} does not match its text`);
      miner.records.set(id, {
        id,
        text: t.template,
        count: t.count,
        supersededBy: t.supersededBy === undefined ? undefined : BigInt(t.supersededBy),
        liveClusters: 0,
        born: 0,
      });
    }
    for (const c of snap.clusters) {
      if (!isPatternJSON(c)) {
        throw new TypeError('template miner snapshot: clusters need seps (strings) and words (strings or null), one more sep than words');
      }
      const elastic = c.elastic === true;
      if (c.elastic !== undefined && (!elastic || !c.words.every((w) => w === null))) {
        throw new TypeError('template miner snapshot: an elastic cluster is marked elastic: true and has only variables');
      }
      const hash = skeletonHashOf(c.seps);
      const bucket = elastic ? newBucket(hash, c.seps) : (miner.bucketOf(hash, c.seps) ?? miner.addBucket(hash, c.seps));
      const optional = c.optional;
      if (optional !== undefined && (!Array.isArray(optional) || optional.length !== c.words.length || !optional.every((o) => typeof o === 'boolean'))) {
        throw new TypeError('template miner snapshot: optional must hold one boolean per variable');
      }
      const cluster = miner.createCluster(bucket, c.seps.slice(), c.words.slice(), elastic, optional?.slice());
      if (cluster.record.id.toString() !== c.id) {
        throw new TypeError(`template miner snapshot: cluster ${c.id} does not render to its template`);
      }
      restored.push(cluster);
      const structuredAt = c.structuredAt;
      if (structuredAt !== undefined) {
        if (!Array.isArray(structuredAt) || !structuredAt.every((p) => Number.isInteger(p) && p >= 0 && p < c.words.length && c.words[p] === null)) {
          throw new TypeError('template miner snapshot: structuredAt must list variable positions of its cluster');
        }
        cluster.structuredAt = structuredAt.slice();
      }
      if (c.anchors !== undefined) {
        if (elastic || !Array.isArray(c.anchors) || !c.anchors.every((key) => typeof key === 'string')) {
          throw new TypeError('template miner snapshot: anchors must list strings, for regular clusters only');
        }
        // a template left the lists of candidates the original dropped it from (addToAnchor)
        const kept = new Set(c.anchors);
        for (const key of cluster.anchors.slice()) if (!kept.has(key)) miner.leaveAnchor(cluster, key);
      }
      if (c.absorbed !== undefined) {
        if (!elastic || !Array.isArray(c.absorbed) || c.absorbed.length > MAX_ABSORBED_TEXTS || !c.absorbed.every(isPatternJSON)) {
          throw new TypeError(`template miner snapshot: absorbed must list at most ${MAX_ABSORBED_TEXTS} patterns (seps, words) of an elastic cluster`);
        }
        cluster.absorbed = c.absorbed.map((t) => ({ seps: t.seps.slice(), words: t.words.slice() }));
        freeTextById.set(c.id, cluster);
      }
      cluster.lastUsed = typeof c.lastUsed === 'number' ? c.lastUsed : 0;
      // with the lines of the templates it superseded (namePairLines counts them); older snapshots: its own
      const lines = c.lines ?? cluster.record.count;
      if (!Number.isInteger(lines) || lines < 0) throw new TypeError('template miner snapshot: lines must be a whole number');
      cluster.lines = lines;
      miner.clock = Math.max(miner.clock, cluster.lastUsed);
    }
    snap.clusters.forEach((c, k) => {
      const held = c.heldApart;
      if (held === undefined) return;
      const valid = (p: unknown): p is number => Number.isInteger(p) && (p as number) >= 0 && (p as number) < restored.length && p !== k && !restored[p as number].elastic;
      if (restored[k].elastic || !Array.isArray(held) || held.length > MAX_HELD_APART || !held.every(valid)) {
        throw new TypeError(`template miner snapshot: heldApart must list at most ${MAX_HELD_APART} indices of other regular clusters, for regular clusters only`);
      }
      restored[k].heldApart = held.map((p) => restored[p]);
    });
    if (snap.freeText !== undefined) {
      if (!Array.isArray(snap.freeText) || snap.freeText.length > MAX_FREE_TEXT_TEMPLATES) {
        throw new TypeError(`template miner snapshot: freeText must list at most ${MAX_FREE_TEXT_TEMPLATES} entries`);
      }
      for (const id of snap.freeText) {
        const cluster = id === null ? null : freeTextById.get(id);
        if (cluster === undefined) throw new TypeError(`template miner snapshot: freeText entry ${String(id)} is no elastic cluster with absorbed texts`);
        miner.freeTextTemplates.push(cluster);
      }
    }
    if (snap.knownValues !== undefined) {
      if (!Array.isArray(snap.knownValues) || !snap.knownValues.every((w) => typeof w === 'string')) {
        throw new TypeError('template miner snapshot: knownValues must be an array of strings');
      }
      for (const w of snap.knownValues.slice(-MAX_KNOWN_VALUES)) {
        if (!miner.knownValues.has(w)) miner.valueStyle.update(w, 1);
        miner.knownValues.set(w, 0);
      }
    }
    // groups below threshold only: a saved state never holds a group that should have generalised
    const savedPairs = snap.corroborated !== undefined || snap.pairs !== undefined;
    for (const list of miner.buckets.values()) for (const b of list) for (const c of b.clusters) miner.register(c, !savedPairs);
    if (savedPairs) miner.restorePairs(snap.corroborated, snap.pairs);
    return miner;
  }

  // ---- internals ----

  private bucketOf(hash: number, seps: readonly string[]): Bucket | undefined {
    const list = this.buckets.get(hash);
    if (list === undefined) return undefined;
    for (const b of list) if (hasSkeleton(b, seps)) return b;
    return undefined;
  }

  private addBucket(hash: number, seps: readonly string[]): Bucket {
    const bucket = newBucket(hash, seps);
    const list = this.buckets.get(hash);
    if (list === undefined) this.buckets.set(hash, [bucket]);
    else list.push(bucket);
    return bucket;
  }

  private findExact(bucket: Bucket, line: TokenizedLine): Cluster | undefined {
    return this.searchIndex(bucket.index, line, 0, Math.min(INDEX_DEPTH, line.words.length));
  }

  /** Depth-first: the child of the line's own word first, then the variable child. */
  private searchIndex(node: IndexNode, line: TokenizedLine, d: number, depth: number): Cluster | undefined {
    if (d === depth) return this.firstFitting(node.clusters, line);
    if (node.byWord !== undefined && !line.masked[d]) {
      const child = node.byWord.get(line.words[d]);
      if (child !== undefined) {
        const hit = this.searchIndex(child, line, d + 1, depth);
        if (hit !== undefined) return hit;
      }
    }
    return node.variable === undefined ? undefined : this.searchIndex(node.variable, line, d + 1, depth);
  }

  private firstFitting(clusters: readonly Cluster[], line: TokenizedLine): Cluster | undefined {
    const { words, masked, seps } = line;
    const n = words.length;
    outer: for (let k = 0; k < clusters.length; k++) {
      const c = clusters[k];
      const cw = c.words;
      for (let i = 0; i < n; i++) {
        const w = cw[i];
        if (w !== null && (masked[i] || w !== words[i])) continue outer;
      }
      // a plain word where the template's values were file names or hosts is the program's own case (hidesKeyword)
      if (c.structuredAt !== undefined) for (const p of c.structuredAt) if (!masked[p] && isPlainWord(words[p])) continue outer;
      if (sepsFit(cw, c.seps, seps)) return c;
    }
    return undefined;
  }

  private fits(c: Cluster, line: TokenizedLine): boolean {
    const cw = c.words;
    for (let i = 0; i < cw.length; i++) {
      const w = cw[i];
      if (w !== null && (line.masked[i] || w !== line.words[i])) return false;
    }
    return sepsFit(cw, c.seps, line.seps);
  }

  /** Arguments of a line under a template that fits it (findExact or a subsuming successor). */
  private resultOf(c: Cluster, line: TokenizedLine, changed: boolean): MatchResult {
    const cw = c.words;
    const n = cw.length;
    // sized once: one argument per variable of the template
    const args = new Array<string>(n - c.constants);
    let k = 0;
    let carry = ''; // whitespace the next argument carries at its front
    for (let i = 0; i < n; i++) {
      const isVar = cw[i] === null;
      const expected = c.seps[i];
      const actual = line.seps[i];
      if (actual !== expected) {
        const fit = sepFit(expected, actual, i > 0 && cw[i - 1] === null, isVar);
        if (fit === SEP_INTO_NEXT) carry = actual.slice(expected.length);
        else if (fit === SEP_INTO_PREVIOUS) args[k - 1] += actual.slice(0, actual.length - expected.length);
      }
      if (isVar) {
        args[k++] = carry === '' ? line.words[i] : carry + line.words[i];
        carry = '';
      }
    }
    const expected = c.seps[n];
    const actual = line.seps[n];
    if (actual !== expected && n > 0 && cw[n - 1] === null) {
      args[k - 1] += actual.slice(0, actual.length - expected.length);
    }
    return { templateId: c.record.id, template: c.record.text, args, changed };
  }

  private publicOf(r: TemplateRecord): MinedTemplate {
    const t: { id: bigint; template: string; count: number; live: boolean; supersededBy?: bigint } = {
      id: r.id,
      template: r.text,
      count: r.count,
      live: r.liveClusters > 0,
    };
    if (r.supersededBy !== undefined) t.supersededBy = r.supersededBy;
    return t;
  }

  private createCluster(
    bucket: Bucket,
    seps: readonly string[],
    words: Array<string | null>,
    elastic = false,
    optionalVars?: boolean[],
  ): Cluster {
    const patternKey = (elastic ? 'E' : '') + patternKeyOf(seps, words);
    const existing = this.byPattern.get(patternKey);
    if (existing !== undefined) return existing;
    const text = templateTextOf(seps, words);
    const id = templateIdOf(text);
    let record = this.records.get(id);
    if (record === undefined) {
      record = { id, text, count: 0, supersededBy: undefined, liveClusters: 0, born: this.adds };
      this.records.set(id, record);
    } else {
      record.supersededBy = undefined; // the same text is current again
    }
    record.liveClusters++;
    const cluster = new Cluster(bucket, seps, words, patternKey, record);
    cluster.createdAt = this.adds;
    cluster.seq = ++this.created;
    this.byPattern.set(patternKey, cluster);
    this.liveCount++;
    if (elastic) {
      cluster.elastic = true;
      cluster.optionalVars = optionalVars;
      this.elasticCount++;
      for (const key of anchorsOf(this.shapeOf(cluster).words)) {
        if (cluster.live) this.addToAnchor(this.elasticByAnchor, key, cluster, ELASTIC_PER_ANCHOR);
      }
      return cluster;
    }
    bucket.clusters.push(cluster);
    indexInsert(bucket.index, cluster);
    this.countConstants(cluster, 1);
    if (this.options.mergeLengths) {
      for (const key of anchorsOf(words)) this.addToAnchor(this.byAnchor, key, cluster, MERGE_CANDIDATES_PER_ANCHOR);
    }
    return cluster;
  }

  /** Appends to a bounded anchor list; beyond `max` the oldest leaves it (elastic ones are retired: lists bound their number). */
  private addToAnchor(map: Map<string, Cluster[]>, key: string, c: Cluster, max: number): void {
    let list = map.get(key);
    if (list === undefined) map.set(key, (list = []));
    list.push(c);
    c.anchors.push(key);
    if (list.length > max) {
      const oldest = list[0];
      if (oldest.elastic) this.retire(oldest, undefined);
      else {
        list.shift();
        removeFrom(oldest.anchors, key);
      }
    }
  }

  /** Takes a regular cluster out of one list of length-merge candidates. */
  private leaveAnchor(c: Cluster, key: string): void {
    const list = this.byAnchor.get(key);
    if (list !== undefined) {
      removeFrom(list, c);
      if (list.length === 0) this.byAnchor.delete(key);
    }
    removeFrom(c.anchors, key);
  }

  private removeFromAnchors(c: Cluster): void {
    const map = c.elastic ? this.elasticByAnchor : this.byAnchor;
    for (const key of c.anchors) {
      const list = map.get(key);
      if (list === undefined) continue;
      removeFrom(list, c);
      if (list.length === 0) map.delete(key);
    }
    c.anchors.length = 0;
  }

  /**
   * A line of the bucket missed its templates and matched an elastic one: the bucket's
   * templates the elastic one covers were made before it existed, by lines of its event
   * it never met (mergeByLength compares a new template with those sharing a first or
   * last word only), and would keep that event's lines with their own values. They are
   * superseded by it; each bucket is searched once per elastic template.
   */
  private sweepBucket(elastic: Cluster, bucket: Bucket): void {
    const swept = (elastic.sweptBuckets ??= new Set());
    if (swept.has(bucket.hash)) return;
    swept.add(bucket.hash);
    for (const c of bucket.clusters.slice()) {
      if (c.live && !c.elastic && this.fitsElastic(elastic.seps, elastic.optionalVars, patternText(this.shapeOf(c)))) this.retire(c, elastic);
    }
  }

  /** An elastic template matching the raw line, looked up by the line's unmasked words. */
  private matchElastic(text: string, line: TokenizedLine): { cluster: Cluster; args: string[] } | undefined {
    for (const key of lookupKeys(line.words, (k) => !line.masked[k])) {
      const list = this.elasticByAnchor.get(key);
      if (list === undefined) continue;
      for (const c of list) {
        const args: string[] = [];
        if (this.fitsElastic(c.seps, c.optionalVars, text, args)) return { cluster: c, args };
      }
    }
    return undefined;
  }

  /**
   * Length-insensitive grouping (length-merge.ts): a template just created
   * for a line is compared with elastic templates and recent templates that
   * share its first or last word. When the difference is an optional
   * bracketed part, an empty field, a unit or a list of another length, both
   * become one elastic template, as does every other candidate it covers;
   * then elastic templates the new one can be merged with are merged too.
   */
  private mergeByLength(created: Cluster, text: string, line: TokenizedLine): { cluster: Cluster; args: string[] } | undefined {
    const candidates = this.candidatesFor(created.words);
    for (const other of candidates) {
      if (other === created || !other.live) continue;
      const otherShape = this.shapeOf(other);
      const plan = planLengthMerge(otherShape, created);
      if (plan === undefined) continue;
      if (plan.reasonFrom !== undefined && !this.holdsReasonCrowd(created, candidates, plan.reasonFrom)) continue;
      if (!this.fitsElastic(plan.parts, plan.optional, text) || !this.fitsElastic(plan.parts, plan.optional, patternText(otherShape))) continue;
      if (!other.elastic && other.bucket === created.bucket && other.words.length === created.words.length && sameSeps(other, created)) {
        const regular = this.mergeSameShape(other, created, line);
        if (regular !== undefined) return regular;
      }
      let merged = this.createElastic(created.bucket, plan);
      // the candidates it covers, and the templates of the line's own bucket it covers
      this.retireCovered(merged, plan, [...candidates, ...created.bucket.clusters]);
      if (created.live) this.retire(created, merged);
      merged = this.mergeElastic(merged);
      const args: string[] = [];
      globMatch(merged.seps, text, args);
      return { cluster: merged, args };
    }
    let freeText = this.freeTextPlan(created, candidates);
    if (freeText === undefined) {
      // the texts of another frame, merged on this template's evidence, are evidence for this one's frame in turn
      const witnesses = this.mergeRecurringElsewhere(created, candidates);
      if (witnesses.length > 0) freeText = this.freeTextPlan(created, candidates, witnesses);
    }
    if (freeText === undefined || !this.fitsElastic(freeText.parts, freeText.optional, text)) return undefined;
    const superseded: Cluster[] = [];
    const merged = this.mergeFreeText(created, freeText, candidates, superseded);
    // the texts just merged are evidence for frames that print them too ("Starting <unit>..." once
    // "Reached target <unit>." merged), examined while the texts are still at hand
    this.cascadeRecurrence(superseded, 1);
    const args: string[] = [];
    globMatch(merged.seps, text, args);
    return { cluster: merged, args };
  }

  /**
   * The elastic template of a free-text plan made from `member`, superseding every live
   * template it covers (`superseded` receives those that were regular templates).
   */
  private mergeFreeText(member: Cluster, plan: ElasticPattern, candidates: readonly Cluster[], superseded: Cluster[] = []): Cluster {
    const merged = this.createElastic(member.bucket, plan);
    if (merged.absorbed === undefined) {
      this.freeTextTemplates.push(merged);
      // only the newest keep their texts: memory stays bounded by MAX_FREE_TEXT_TEMPLATES x MAX_ABSORBED_TEXTS
      const leaving = this.freeTextTemplates.length > MAX_FREE_TEXT_TEMPLATES ? this.freeTextTemplates.shift() : null;
      if (leaving) leaving.absorbed = [];
    }
    const absorbed = (merged.absorbed ??= []);
    for (const c of this.retireCovered(merged, plan, [...candidates, ...member.bucket.clusters, member])) {
      if (!c.elastic) superseded.push(c);
      for (const t of c.elastic ? (c.absorbed ?? []) : [c]) if (absorbed.length < MAX_ABSORBED_TEXTS) absorbed.push(t);
    }
    return merged;
  }

  /** Retires into `merged` every live template among `clusters` that `plan` covers; returns them, in that order. */
  private retireCovered(merged: Cluster, plan: ElasticPattern, clusters: readonly Cluster[]): Cluster[] {
    const retired: Cluster[] = [];
    for (const c of clusters) {
      if (c === merged || !c.live || !this.fitsElastic(plan.parts, plan.optional, patternText(this.shapeOf(c)))) continue;
      retired.push(c);
      this.retire(c, merged);
    }
    return retired;
  }

  /**
   * A new template whose words recur in templates of other frames ("Reached target
   * Daily <*> activities." after "Starting Daily <*> activities..." and its siblings)
   * is the evidence those frames waited for: each such template's frame is examined
   * again (freeTextPlan, with the new template among the texts outside it); the
   * templates a merge superseded are returned, evidence for the new template's own
   * frame. Bounded: RECURRENCE_CHECKS candidates, each with its own candidates.
   */
  private mergeRecurringElsewhere(created: Cluster, candidates: readonly Cluster[], evidence: readonly Cluster[] = [], depth = 0): Cluster[] {
    const superseded: Cluster[] = [];
    if (created.constants < 2 || depth > MAX_RECURRENCE_DEPTH) return superseded;
    const own = new Set<string>();
    for (const w of created.words) if (w !== null) own.add(w);
    let checks = 0;
    for (const c of candidates) {
      if (checks >= RECURRENCE_CHECKS) break;
      if (c === created || !c.live || c.elastic || c.words[0] === created.words[0]) continue;
      let shared = 0;
      for (const w of c.words) if (w !== null && own.has(w)) shared++;
      if (shared < 2) continue;
      checks++;
      const around = this.candidatesFor(c.words);
      const plan = this.freeTextPlan(c, around, [created, ...candidates, ...evidence]);
      if (plan === undefined || !this.fitsElastic(plan.parts, plan.optional, patternText(this.shapeOf(c)))) continue;
      this.mergeFreeText(c, plan, around, superseded);
      this.cascadeRecurrence(superseded, depth + 1);
      break;
    }
    return superseded;
  }

  /** The texts a frame merge superseded are evidence for frames that print them too (see mergeRecurringElsewhere). */
  private cascadeRecurrence(superseded: readonly Cluster[], depth: number): void {
    for (const s of superseded.slice(0, RECURRENCE_CHECKS)) this.mergeRecurringElsewhere(s, this.candidatesFor(s.words), superseded, depth);
  }

  /**
   * Free text in a fixed frame (planFreeText): the frame the new template shares
   * with the most recent regular templates whose texts inside it differ (FREE_TEXT_CROWD
   * templates in all; SENTENCE_TEXT_CROWD when the texts open like sentences; RECURRING_TEXT_CROWD
   * when the texts were printed in other frames too), the largest of those, or undefined. Frames are counted by what
   * each candidate shares with the new template: a candidate sharing more shares
   * every smaller frame too (a word two texts end with by chance makes no frame).
   */
  private freeTextPlan(created: Cluster, candidates: readonly Cluster[], witnesses: readonly Cluster[] = []): ElasticPattern | undefined {
    const frames: { shape: TokenPattern; prefix: number; suffix: number }[] = [];
    for (const other of candidates) {
      if (other === created || witnesses.includes(other) || !other.live || other.elastic) continue;
      const frame = sharedFrame(created, other);
      if (frame.prefix + frame.suffix >= Math.min(created.words.length, other.words.length)) continue;
      frames.push({ shape: other, ...frame });
    }
    if (frames.length < RECURRING_TEXT_CROWD - 1) return undefined;
    let best: ElasticPattern | undefined;
    let bestMembers = 0;
    let bestSize = -1;
    // members and plan depend on the frame's (prefix, suffix) only: candidates sharing one frame are tried once
    const tried = new Set<string>();
    for (const f of frames) {
      const key = `${f.prefix}:${f.suffix}`;
      if (tried.has(key)) continue;
      tried.add(key);
      const members: TokenPattern[] = [created];
      for (const g of frames) if (g.prefix >= f.prefix && g.suffix >= f.suffix) members.push(g.shape);
      const size = f.prefix + f.suffix;
      if (members.length < bestMembers || (members.length === bestMembers && size <= bestSize)) continue;
      let plan: ElasticPattern | undefined;
      if (members.length >= SENTENCE_TEXT_CROWD) plan = planFreeText(members, f.prefix, f.suffix, MIN_FREE_TEXT_FRAME_CONSTANTS);
      if (plan === undefined && members.length < FREE_TEXT_CROWD) {
        // a smaller crowd needs its texts printed in other frames too (checked last: the costliest test)
        plan = planFreeText(members, f.prefix, f.suffix, MIN_FREE_TEXT_FRAME_CONSTANTS, true);
        if (plan !== undefined && !this.textsRecur(members, f.prefix, f.suffix, [...candidates, ...witnesses])) plan = undefined;
      }
      if (plan === undefined) continue;
      best = plan;
      bestMembers = members.length;
      bestSize = size;
    }
    return best;
  }

  /**
   * Two members or more of a frame hold texts (runOccursIn) that also occur in a template
   * outside the frame (`others`: candidates, and the template just made elsewhere with its own):
   * the same text printed in messages of other frames is a value (a unit's description
   * after "Starting" and after "Reached target").
   */
  private textsRecur(members: readonly TokenPattern[], prefix: number, suffix: number, others: readonly Cluster[]): boolean {
    const outside: TokenPattern[] = [];
    // retired templates count too (the texts a frame merged were printed all the same), as do the texts an elastic one absorbed
    for (const c of [...others, ...this.freeTextTemplates]) {
      if (c === null || members.includes(c)) continue;
      if (!c.elastic) outside.push(c);
      else if (c.live && c.absorbed !== undefined) outside.push(...c.absorbed);
    }
    let recurring = 0;
    for (const m of members) {
      const to = m.words.length - suffix;
      if (outside.some((q) => runOccursIn(m, prefix, to, q)) && ++recurring >= 2) return true;
    }
    return false;
  }

  /**
   * A length merge of two templates of one shape (same separators and word
   * count; each has a variable where the other has a constant, so neither
   * subsumes the other) becomes a regular template with a variable wherever
   * they differ: unlike an elastic template it joins the sibling groups of
   * its bucket ("user <*> granted role X by <*>" for each role X generalises
   * the role like any other position). Undefined (nothing changed) when no
   * constant would remain.
   */
  private mergeSameShape(other: Cluster, created: Cluster, line: TokenizedLine): { cluster: Cluster; args: string[] } | undefined {
    const words = created.words.map((w, i) => (w === other.words[i] ? w : null));
    if (words.every((w) => w === null)) return undefined;
    const target = this.createCluster(created.bucket, created.seps, words);
    const differing: number[] = [];
    for (let i = 0; i < words.length; i++) {
      const a = created.words[i];
      const b = other.words[i];
      if (words[i] !== null || a === null || b === null) continue;
      differing.push(i);
      markStructured(target, i, [a, b]);
    }
    for (const c of [other, created]) if (c !== target && c.live) this.retire(c, target);
    // learned once the two are retired: their own constants are no evidence of program words
    if (this.options.learnValues) {
      for (const i of differing) for (const w of [created.words[i]!, other.words[i]!]) if (!this.isProgramWord(w, created.seps, i)) this.learnValue(w);
    }
    this.absorbSubsumed(target);
    this.registerAndGeneralize(target);
    let final = target;
    while (final.successor !== undefined) final = final.successor;
    // cascades only add variables, so `final` fits the line as `created` did; the target is the fallback
    if (!final.live || !this.fits(final, line)) final = target;
    return { cluster: final, args: this.resultOf(final, line, true).args };
  }

  /**
   * REASON_CROWD live templates or more (`created` among them) say the same words up to word `from` and end in
   * different sentences after it: errors of data, one value (planReasonTail); fewer are a closed set of events.
   */
  private holdsReasonCrowd(created: Cluster, candidates: readonly Cluster[], from: number): boolean {
    let crowd = 1;
    for (const c of candidates) {
      if (c === created || !c.live || c.elastic || !allConstantFrom(c, from)) continue;
      if (sharedFrame(created, c).prefix >= from && ++crowd >= REASON_CROWD) return true;
    }
    return false;
  }

  /** Elastic templates, then recent regular ones (newest first), found by the pattern's lookupKeys, each once. */
  private candidatesFor(words: ReadonlyArray<string | null>): Cluster[] {
    const keys = lookupKeys(words, (k) => words[k] !== null);
    const seen = new Set<Cluster>();
    const out: Cluster[] = [];
    const take = (list: readonly Cluster[] | undefined, newestFirst: boolean): void => {
      if (list === undefined) return;
      for (let k = 0; k < list.length && out.length < MAX_MERGE_CANDIDATES; k++) {
        const c = list[newestFirst ? list.length - 1 - k : k];
        if (!seen.has(c)) {
          seen.add(c);
          out.push(c);
        }
      }
    };
    for (const key of keys) take(this.elasticByAnchor.get(key), false);
    for (const key of keys) take(this.byAnchor.get(key), true);
    return out;
  }

  /** Merges an elastic template with other elastic templates it aligns with (one optional part each, say). */
  private mergeElastic(start: Cluster): Cluster {
    let current = start;
    for (let rounds = 0; rounds < ELASTIC_PER_ANCHOR; rounds++) {
      const shape = this.shapeOf(current);
      let next: Cluster | undefined;
      for (const other of this.candidatesFor(shape.words)) {
        if (other === current || !other.live || !other.elastic) continue;
        const otherShape = this.shapeOf(other);
        const plan = planLengthMerge(otherShape, shape);
        if (
          plan === undefined ||
          !this.fitsElastic(plan.parts, plan.optional, patternText(shape)) ||
          !this.fitsElastic(plan.parts, plan.optional, patternText(otherShape))
        ) {
          continue;
        }
        next = this.createElastic(current.bucket, plan);
        if (other !== next) this.retire(other, next);
        if (current !== next) this.retire(current, next);
        break;
      }
      if (next === undefined || next === current) return current;
      current = next;
    }
    return current;
  }

  /** A live elastic template for a plan, listed under the anchors of its shape. */
  private createElastic(bucket: Bucket, plan: ElasticPattern): Cluster {
    return this.createCluster(bucket, plan.parts, new Array<string | null>(plan.parts.length - 1).fill(null), true, plan.optional);
  }

  /** The plan (or elastic template) matches the text, its optional variables only bracketed parts. */
  private fitsElastic(parts: readonly string[], optional: readonly boolean[] | undefined, text: string, args: string[] = []): boolean {
    return globMatch(parts, text, args) && fitsOptional(optional, args);
  }

  /** The token pattern of a template: its own for a regular one, its parts re-tokenised for an elastic one. */
  private shapeOf(c: Cluster): TokenPattern {
    if (!c.elastic) return c;
    return (c.shape ??= this.shapeOfParts(c.seps, c.optionalVars));
  }

  private shapeOfParts(parts: readonly string[], optionalVars: readonly boolean[] | undefined): TokenPattern {
    return shapeOfParts(parts, optionalVars, (text) => tokenizeInto(text, this.options, newTokenizedLine()));
  }

  private elasticResultOf(c: Cluster, args: string[], changed: boolean): MatchResult {
    return { templateId: c.record.id, template: c.record.text, args, changed };
  }

  /**
   * Supersedes every other live cluster of the bucket that `general` subsumes —
   * except where that would turn a closed-set word (isClosedSetWord: RUNNING,
   * COMPLETE) into a variable: "status 3" does not make "status COMPLETE" a
   * value. A template without constants absorbs nothing.
   */
  private absorbSubsumed(general: Cluster, valuesAt?: ReadonlySet<number>): void {
    if (general.constants === 0) return;
    const candidates: Cluster[] = [];
    collectCandidates(general.bucket.index, general.words, 0, Math.min(INDEX_DEPTH, general.words.length), candidates);
    const heldApart: Cluster[] = [];
    for (const other of candidates) {
      if (other === general || !other.live || !subsumes(general, other)) continue;
      // a closed-shaped word where the crowd showed values (valuesAt) is one more value too
      if (this.absorbOrHold(general, other, valuesAt) && heldApart.length < MAX_HELD_APART) heldApart.push(other);
    }
    general.heldApart = heldApart;
  }

  /**
   * `general` covers `other` (subsumes): `other` is retired into it, unless it holds a
   * closed-shaped word where `general` has a variable that is neither spelled like a name,
   * nor a value by where it stands (isValueSlot) or in `valuesAt` — then it is held apart
   * (true) — or a plain keyword among structured values (hidesKeyword: kept for good).
   */
  private absorbOrHold(general: Cluster, other: Cluster, valuesAt?: ReadonlySet<number>): boolean {
    const isValueAt = (i: number): boolean => valuesAt?.has(i) === true || this.isValueSlot([other], i);
    if (hidesClosedWord(general, other, this.isSpelledLikeName, isValueAt)) return true;
    if (!hidesKeyword(general, other)) this.retire(other, general);
    return false;
  }

  /**
   * `general` has just learned a new value, which may be what tells the closed-shaped words
   * of the templates it held apart are names too (isSpelledLikeName): those it now covers
   * are absorbed. Only the templates held apart are looked at again (a flood of new names
   * costs O(MAX_HELD_APART) a line, not a walk of the bucket); a template restored from a
   * snapshot older than the list looks for them once.
   */
  private recheckHeldApart(general: Cluster): void {
    const held = general.heldApart;
    if (held === undefined) {
      this.absorbSubsumed(general);
      return;
    }
    if (held.length === 0) return;
    general.heldApart = held.filter((other) => other.live && subsumes(general, other) && this.absorbOrHold(general, other));
  }

  /**
   * fromJSON: the corroborated groups and the pairs map as saved. A pair whose group is gone
   * names a group of its own that no live one is (as in the original: never corroborates).
   */
  private restorePairs(corroborated: unknown, pairs: unknown): void {
    if (!Array.isArray(corroborated) || !corroborated.every((key) => typeof key === 'string')) {
      throw new TypeError('template miner snapshot: corroborated must list group keys');
    }
    const isEntry = (e: unknown): e is [string, string | null] => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && (e[1] === null || typeof e[1] === 'string');
    if (!Array.isArray(pairs) || pairs.length > MAX_PAIRS || !pairs.every(isEntry)) {
      throw new TypeError(`template miner snapshot: pairs must list at most ${MAX_PAIRS} [pair, group key or null] entries`);
    }
    for (const key of corroborated) {
      const g = this.groups.get(key);
      if (g !== undefined) g.corroborated = true;
    }
    for (const [pair, key] of pairs) {
      const g = key === null ? undefined : this.groups.get(key);
      this.pairs.set(pair, g ?? { key: key ?? '', position: -1, members: [], withDigits: 0, closed: 0, corroborated: false });
    }
  }

  /** Adds a cluster to the sibling groups of its constant positions; returns groups now over threshold. */
  private register(c: Cluster, corroborate = true): SiblingGroup[] {
    const ready: SiblingGroup[] = [];
    if (c.registered || !c.live) return ready;
    c.registered = true;
    const words = c.words;
    for (const [p, key] of groupKeysOf(c.seps, words)) {
      const w = words[p]!;
      let g = this.groups.get(key);
      if (g === undefined) {
        g = { key, position: p, members: [], withDigits: 0, closed: 0, corroborated: false };
        this.groups.set(key, g);
      }
      g.members.push(c);
      const kind = wordKindOf(w);
      if (kind === WordKind.Digit) g.withDigits++;
      else if (kind === WordKind.Closed) g.closed++;
      c.groups.push(g);
      if (g.members.length === 2 && g.closed === 0 && this.options.corroboratedPairs && corroborate) this.corroborate(g, ready);
      if (this.overThreshold(g)) ready.push(g);
    }
    return ready;
  }

  /**
   * A sibling group that has just got its second plain word: when a live
   * group of another skeleton or at another position holds the same two
   * words, both are corroborated — the pair varies in more than one place, so
   * it is a small set of values, not one message's closed set of words.
   * The other group is queued for generalisation too.
   */
  private corroborate(g: SiblingGroup, ready: SiblingGroup[]): void {
    const a = g.members[0].words[g.position]!;
    const b = g.members[1].words[g.position]!;
    if (a === b) return;
    const pair = a < b ? a + WORD_JOIN + b : b + WORD_JOIN + a;
    const other = this.pairs.get(pair);
    // another event: another skeleton or another position (the same position of one skeleton is
    // mostly the same event with another variable, where a closed pair of verbs times two names
    // would corroborate the verbs)
    const live = other !== undefined && other !== g && this.groups.get(other.key) === other && other.members.length === 2 && other.closed === 0;
    if (live && (other.position !== g.position || other.members[0].bucket !== g.members[0].bucket) && !sameFrame(g, other)) {
      const x = other.members[0].words[other.position];
      const y = other.members[1].words[other.position];
      if ((x === a && y === b) || (x === b && y === a)) {
        other.corroborated = true;
        g.corroborated = true;
        ready.push(other);
        return;
      }
    }
    this.pairs.delete(pair); // re-insert: Map order is the eviction order
    this.pairs.set(pair, g);
    if (this.pairs.size > MAX_PAIRS) this.pairs.delete(this.pairs.keys().next().value as string);
  }

  private overThreshold(g: SiblingGroup): boolean {
    return this.groupGeneralises(g.members, g.position, g.withDigits, g.closed, g.corroborated);
  }

  /** generalises() for the members of a sibling group, or they are a pair of names (namePairLines). */
  private groupGeneralises(members: readonly Cluster[], position: number, withDigits: number, closed: number, corroborated: boolean): boolean {
    const constants = members[0]?.constants ?? 0;
    // "<*> - CBS_E_NOT_FOUND": a code's symbolic name after the code changes with it, as data does;
    // "Client: X, Session: <*>": a field's value in a printed record of fields is a value, as after key=
    if (withDigits === 0 && this.isValueSlot(members, position)) withDigits = members.length;
    if (withDigits === 0) {
      const words = members.map((m) => m.words[position]!);
      // CPU0 / CPU1 / CPU2: one name's indexes are data, whatever the name's case; com.so.hal.ACTION_SYNC /
      // org.skesh.hiolt.SYNC_THIO: other programs' names, data
      if (holdsNumberedRun(words) || holdsNamesOfPackages(words)) withDigits = members.length;
    }
    // closed-shaped words spelled like the service's names are names (com.shuchist.biosion): plain words
    const closedWords = closed > 0 && this.closedSpelledLikeNames(members, position) ? 0 : closed;
    if (this.generalises(members.length, withDigits, closedWords, constants, corroborated)) {
      if (withDigits === 0 && members.length < this.options.closedValuesToGeneralize && holdsNegationPair(members.map((m) => m.words[position]!))) return false;
      if (withDigits === 0 && !corroborated && members.length < this.options.closedValuesToGeneralize && isKindBeforeValue(members[0], position)) return false;
      return corroborated || withDigits > 0 || !this.isSmallClosedSet(members, position);
    }
    return (
      this.options.namePairLines > 0 && members.length === 2 && withDigits === 0 && closedWords === 0 && constants >= 2 && this.isPairOfNames(members, position)
    );
  }

  /** What the program prints at `position` is a value by where it stands (a key's, a field's, a code's name, half of a Class::member). */
  private isValueSlot(members: readonly Cluster[], position: number): boolean {
    return isCodeNameSlot(members, position) || isFieldValueSlot(members[0], position) || this.isKeyedOrQuotedValueSlot(members, position) || isScopeOfVariable(members[0], position);
  }

  /**
   * isKeyValueSlot or isQuotedSlot, unless the words hold an inflected verb or an upper-case word (a state printed
   * for its key, `status=deferred`, names the event) or one name with two numbers (`family=IPv4` / `IPv6`, `dev=eth0` /
   * `eth1`: holdsNumberedPair).
   */
  private isKeyedOrQuotedValueSlot(members: readonly Cluster[], position: number): boolean {
    if (!isKeyValueSlot(members[0], position) && !isQuotedSlot(members[0], position)) return false;
    // single quotes name a thing as often as they quote data (service 'sparkDriver' started): a value from
    // distinctValuesToGeneralize words on, as names are, not from two
    if (quoteOfSlot(members[0], position) === "'" && members.length < this.options.distinctValuesToGeneralize) return false;
    const words = members.map((m) => m.words[position]!);
    return !words.some((w) => isInflectedVerb(w) || isUpperCaseWord(w)) && !holdsNumberedPair(words);
  }

  /**
   * The two words at `position` of a two-member sibling group are names, not
   * a closed pair of the program's words (see MinerOptions.namePairLines):
   * - both lower case (a capitalised word starts a sentence: Before/After);
   * - not one word with two endings (failure/failures, eth0/eth1);
   * - after a constant word, their key (pool X, slot X, by X), or first: a
   *   word right after a value says what happened to it (volume 3 read/write);
   * - each seen in namePairLines lines;
   * - neither occurs as a constant of a live template outside the group in a
   *   slot where the other does not (usedWithout);
   * - once MIN_NAMES_FOR_STYLE names are known: spelled like them rather than
   *   like the program's constant words, by STYLE_MARGIN per word (word-style.ts).
   */
  private isPairOfNames(members: readonly Cluster[], position: number): boolean {
    const a = members[0].words[position]!;
    const b = members[1].words[position]!;
    if (a === b || hasUpperCase(a) || hasUpperCase(b) || areInflections(a, b)) return false;
    if (position > 0 && members[0].words[position - 1] === null) return false;
    // a word an article follows is what is done to something ("to spawn the instance"), not who
    if (isArticle(members[0].words[position + 1])) return false;
    if (Math.min(members[0].lines, members[1].lines) < this.options.namePairLines) return false;
    const key = position > 0 ? members[0].words[position - 1]! : '';
    if (this.usedWithout(a, b, key, members) || this.usedWithout(b, a, key, members)) return false;
    // spelled more like the service's names than like its own words (word-style.ts), the two together;
    // without names to compare with, spelling is no evidence, and short words (up/down, hit/miss, on/off)
    // are far likelier a program's pair than two names
    if (this.valueStyle.words < MIN_NAMES_FOR_STYLE) return a.length >= MIN_UNPROVEN_NAME_LENGTH && b.length >= MIN_UNPROVEN_NAME_LENGTH;
    return this.styleOf(members.map((m) => m.words[position]!)) < -STYLE_MARGIN;
  }

  /**
   * The distinctValuesToGeneralize words at `position` (no more) are a
   * program's closed set of states (online/offline/degraded, hit/miss/stale),
   * not the first names of a variable: all lower case and, once
   * MIN_NAMES_FOR_STYLE names are known, spelled more like the service's
   * constant words than like its names by STYLE_MARGIN per word (styleOf). One
   * more distinct word still generalises: the exception holds for the
   * smallest set only, where three names and three states are equally likely
   * by count and spelling is the only evidence.
   */
  private isSmallClosedSet(members: readonly Cluster[], position: number): boolean {
    const words = members.map((m) => m.words[position]!);
    // a set holding an inflected verb (drained, Aborted) is states up to the closed-set threshold
    if (members.length < this.options.closedValuesToGeneralize && words.some(isInflectedVerb)) return true;
    if (members.length !== this.options.distinctValuesToGeneralize) return false;
    // one name with two numbers (eth0, eth1 beside lo): a program's devices or ports, as a pair of them is
    if (holdsNumberedPair(words)) return true;
    // names of their own each with a number (sofaixio22, ritaiio62, brifoumio55): hosts or nodes, not states
    if (words.every(isVersionedName)) return false;
    // before the service has shown names: a set holding a word shaped like a state (stopped, draining, Aborted) or a
    // word of two letters at most (on, up, ok: isStateOnlyWord) is states
    if (this.valueStyle.words < MIN_NAMES_FOR_STYLE) return words.some((w) => isClosedSetWord(w) || isStateOnlyWord(w));
    // a set holding an inflected verb (drained, Aborted) is states whatever the names look like; so is one holding a
    // single letter (X / Y / Z coordinate) or a word of two letters that the program prints elsewhere too (power on,
    // "started on"): a user may be called nu
    if (words.some((w) => isInflectedVerb(w) || (isStateOnlyWord(w) && (w.length === 1 || this.isConstantElsewhere(w, members))))) return true;
    if (isCapitalisedOpening(words, position)) return true;
    if (words.some(hasUpperCase)) return false;
    return this.styleOf(words) > STYLE_MARGIN;
  }

  /**
   * The closed-shaped words (isClosedSetWord: dotted, snake_case, camelCase)
   * at `position` are spelled like the service's names rather than its
   * constant words, by STYLE_MARGIN per word, once MIN_NAMES_FOR_STYLE names
   * are known: a pool of application ids or job names, not configuration
   * keys or class names of the program.
   */
  private closedSpelledLikeNames(members: readonly Cluster[], position: number): boolean {
    if (this.valueStyle.words < MIN_NAMES_FOR_STYLE) return false;
    const words = members.map((m) => m.words[position]!).filter((w) => wordKindOf(w) === WordKind.Closed);
    // one stem with other endings (DHCPREQUEST, DHCPACK, DHCPOFFER): members of one enum, however names are spelled
    if (commonPrefixLength(words) >= MIN_ENUM_STEM) return false;
    return this.styleOf(words) < -STYLE_MARGIN;
  }

  /**
   * A closed-shaped word (`nedu_data`) spelled like the service's names by STYLE_MARGIN, once
   * MIN_NAMES_FOR_STYLE names are known (as closedSpelledLikeNames for one word): a general
   * template takes its line (absorbSubsumed), as it takes the names it was made from.
   */
  private readonly isSpelledLikeName = (w: string): boolean => this.valueStyle.words >= MIN_NAMES_FOR_STYLE && this.styleOf([w]) < -STYLE_MARGIN;

  /**
   * Mean programWordScore (word-style.ts) of distinct words: > 0 spelled like
   * the program's constant words, < 0 like the known values. The words
   * themselves are left out of the constants model.
   */
  private styleOf(words: readonly string[]): number {
    let sum = 0;
    for (const w of words) sum += programWordScore(w, this.constantStyle, this.valueStyle, words);
    return sum / words.length;
  }

  /** `w` is a constant of a live template other than `members` (a word of the program's own messages). */
  private isConstantElsewhere(w: string, members: readonly Cluster[]): boolean {
    const slots = this.constantUses.get(w);
    if (slots === undefined) return false;
    for (const [slot, uses] of slots) if (uses - usesIn(members, w, slot) > 0) return true;
    return false;
  }

  /**
   * `w` occurs as a constant of a live template other than `members` in a
   * slot where `other` does not: a word of the program's own messages.
   * Not evidence: where both occur, in the same slot of other templates (the
   * pair varies there too: two user names that are still constants of
   * another event), and where `w` follows the group's own key (`key`: on X,
   * by X), as another of the key's values would in a rarer event.
   */
  private usedWithout(w: string, other: string, key: string, members: readonly Cluster[]): boolean {
    const slots = this.constantUses.get(w);
    if (slots === undefined) return false;
    const otherSlots = this.constantUses.get(other);
    for (const [slot, uses] of slots) {
      if (uses - usesIn(members, w, slot) <= 0) continue;
      if (keyOfSlot(slot) === key) continue; // after the same key: another of the key's values
      if ((otherSlots?.get(slot) ?? 0) - usesIn(members, other, slot) <= 0) return true;
    }
    return false;
  }

  private countConstants(c: Cluster, delta: 1 | -1): void {
    const words = c.words;
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (w === null) continue;
      let slots = this.constantUses.get(w);
      if (slots === undefined) {
        this.constantUses.set(w, (slots = new Map()));
        this.constantStyle.update(w, 1);
      }
      const slot = slotOf(c.bucket, words, i);
      const n = (slots.get(slot) ?? 0) + delta;
      if (n > 0) slots.set(slot, n);
      else {
        slots.delete(slot);
        if (slots.size === 0) {
          this.constantUses.delete(w);
          this.constantStyle.update(w, -1);
        }
      }
    }
  }

  /**
   * Whether `distinct` sibling words at one position make it a variable (any
   * position, the first included: a name leading a message is still a name).
   * Digit-bearing words are values after digitValuesToGeneralize; words shaped
   * like a program's constants (mostly) need closedValuesToGeneralize; plain
   * words distinctValuesToGeneralize.
   */
  private generalises(distinct: number, withDigits: number, closed: number, constants: number, corroborated = false): boolean {
    if (distinct < 2 || constants < 2) return false; // keep at least one constant word
    const o = this.options;
    if (corroborated && closed === 0) return true;
    if (withDigits > 0 && distinct >= o.digitValuesToGeneralize) return true;
    if (closed * 2 >= distinct) return distinct >= o.closedValuesToGeneralize;
    return distinct >= o.distinctValuesToGeneralize;
  }

  private registerAndGeneralize(start: Cluster): void {
    this.generalizeGroups(this.register(start));
    if (start.live && start.successor === undefined) this.generalisePairs(start);
    if (start.live && start.successor === undefined) this.generaliseRecordFields(start);
    if (start.live && start.successor === undefined) this.generaliseCrowd(start);
  }

  /**
   * The live templates of `start`'s bucket among its PAIR_SCAN newest (other than `start`),
   * newest first, that have its separators exactly: what the scans of generalisePairs,
   * generaliseRecordFields and generaliseCrowd compare it with. Templates of other spacing
   * count toward the bound too, so a bucket of many whitespace variants is not walked whole.
   */
  private newestOfShape(start: Cluster): Cluster[] {
    const out: Cluster[] = [];
    const clusters = start.bucket.clusters;
    for (let k = clusters.length - 1, scanned = 0; k >= 0 && scanned < PAIR_SCAN; k--) {
      const c = clusters[k];
      if (c === start || !c.live) continue;
      scanned++;
      if (sameSeps(start, c)) out.push(c);
    }
    return out;
  }

  /**
   * Many values varying at once (a method signature's package, class and method, the
   * reasons in brackets after it): no two templates of such an event differ at one or two
   * positions only, so neither the sibling groups nor the pairs ever fill. A new template
   * is compared with the newest of its bucket; when CROWD_SIZE of them or more differ from
   * it at three positions or more but agree with it on at least half of its words, each
   * position where their words would generalise on their own (positionGeneralises: the
   * same rules as one position) becomes a variable, and the templates that differ from
   * the new one only there are one event. Positions whose words do not generalise
   * (a closed pair of verdicts, denied / allowed) keep the events apart. Bounded:
   * PAIR_SCAN templates, O(words) each.
   */
  private generaliseCrowd(start: Cluster): void {
    const n = start.words.length;
    if (start.constants < 4 || start.bucket.clusters.length < CROWD_SIZE) return;
    const crowd: Cluster[] = [];
    const varying = new Set<number>();
    for (const c of this.newestOfShape(start)) {
      let differing = 0;
      let equal = 0;
      for (let i = 0; i < n && differing >= 0; i++) {
        if (start.words[i] === c.words[i]) {
          if (start.words[i] !== null) equal++;
        } else if (start.words[i] !== null && c.words[i] !== null) differing++;
        else differing = -1; // one has a variable where the other has a word: the sibling rules' business
      }
      if (differing < 3 || equal * 2 < start.constants) continue;
      crowd.push(c);
      for (let i = 0; i < n; i++) if (start.words[i] !== c.words[i]) varying.add(i);
    }
    if (crowd.length < CROWD_SIZE - 1) return;
    const members = [start, ...crowd];
    const variables = [...varying].filter((p) => this.positionGeneralises(members, p, start.constants - 1));
    if (variables.length < 2) return;
    const words = start.words.slice();
    for (const p of variables) words[p] = null;
    const fits = members.filter((m) => m.words.every((w, i) => w === start.words[i] || words[i] === null));
    if (fits.length < CROWD_SIZE || words.filter((w) => w !== null).length < 2) return;
    if (this.options.learnValues) for (const m of fits) for (const p of variables) this.learnValue(m.words[p]!);
    const target = this.createCluster(start.bucket, start.seps, words);
    for (const m of fits) if (m !== target && m.live) this.retire(m, target);
    // the crowd showed its closed-shaped words there (gind_app, chr_file) to be values: older templates holding one are this event
    this.absorbSubsumed(target, new Set(variables));
    this.registerAndGeneralize(target);
  }

  /**
   * A printed record of fields ("Plan: Package: X, current: Installed, pending: Default,
   * start: Staged"): its values vary together, so two of its templates are seldom
   * siblings at one position and the sibling groups never fill. A new template is
   * compared with the newest of its bucket; one that differs from it only in field
   * values (isFieldValueSlot) or in values of keys that are not the program's own
   * constants (isDataValueOfKey: `comm="hax"`, `name="/a/b"`), at two positions or more,
   * makes each of those a variable, as a field's value is. Bounded: PAIR_SCAN
   * templates, O(words) each.
   */
  private generaliseRecordFields(start: Cluster): void {
    const n = start.words.length;
    if (start.constants < 4) return;
    for (const c of this.newestOfShape(start)) {
      const differing: number[] = [];
      let fits = true;
      for (let i = 0; i < n && fits; i++) {
        if (start.words[i] === c.words[i]) continue;
        if (isFieldValueSlot(start, i) || isDataValueOfKey(start, c, i)) differing.push(i);
        else fits = false;
      }
      if (!fits || differing.length < 2) continue;
      const words = start.words.slice();
      for (const i of differing) words[i] = null;
      if (words.filter((w) => w !== null).length < 2) continue;
      if (this.options.learnValues) for (const m of [start, c]) for (const i of differing) if (m.words[i] !== null) this.learnValue(m.words[i]!);
      const target = this.createCluster(start.bucket, start.seps, words);
      for (const m of [start, c]) if (m !== target && m.live) this.retire(m, target);
      this.absorbSubsumed(target);
      this.registerAndGeneralize(target);
      return;
    }
  }

  /** Generalises the groups that are over threshold, cascading into the groups of the templates made. */
  private generalizeGroups(pending: SiblingGroup[]): void {
    while (pending.length > 0) {
      const g = pending.pop()!;
      if (this.groups.get(g.key) !== g || !this.overThreshold(g)) continue;
      const first = g.members[0];
      const members = g.members.filter((m) => sameExcept(first, m, g.position));
      if (members.length < g.members.length) {
        // a hash collision put strangers in the group: decide on the true siblings only
        const kinds = members.map((m) => wordKindOf(m.words[g.position]!));
        const withDigits = kinds.filter((k) => k === WordKind.Digit).length;
        const closed = kinds.filter((k) => k === WordKind.Closed).length;
        if (!this.groupGeneralises(members, g.position, withDigits, closed, g.corroborated)) continue;
      }
      // "loading image default" beside "loading image a.img", "b.elf": the plain word is the program's own case
      const keywords = keywordsAmongValues(members, g.position);
      let values = members;
      if (keywords !== undefined) {
        values = members.filter((m) => !keywords.has(m));
        if (values.length < this.options.distinctValuesToGeneralize) continue; // more values first: which shape is the data's
      }
      const words = first.words.slice();
      words[g.position] = null;
      if (this.options.learnValues) for (const m of values) this.learnValue(m.words[g.position]!);
      const target = this.createCluster(first.bucket, first.seps, words);
      markStructured(
        target,
        g.position,
        values.map((m) => m.words[g.position]!),
      );
      for (const m of values) if (m !== target) this.retire(m, target);
      this.absorbSubsumed(target);
      for (const ready of this.register(target)) pending.push(ready);
    }
  }

  /**
   * A template has just got another namePairLines lines: a two-word sibling
   * group it belongs to may now be a pair of names (isPairOfNames). Returns
   * the template now holding the template's lines (itself when nothing
   * generalised).
   */
  private confirmNamePairs(c: Cluster): Cluster {
    const ready = c.groups.filter((g) => g.members.length === 2 && this.overThreshold(g));
    if (ready.length === 0) return c;
    this.generalizeGroups(ready);
    let final = c;
    while (final.successor !== undefined) final = final.successor;
    return final;
  }

  /**
   * Two positions that vary together ("replica ash promoted on quillon",
   * "replica birch promoted on marrow"): no two such templates are siblings
   * at one position, so the sibling groups never fill. A new template is
   * compared with the newest templates of its bucket; when enough of them
   * differ from it at the same two positions only, and the words there would
   * generalise each position on their own (same rules), both become
   * variables. Bounded: PAIR_SCAN templates, O(words) each.
   */
  private generalisePairs(start: Cluster): void {
    const n = start.words.length;
    if (start.constants < 4) return; // two constants must remain
    const byPair = new Map<number, Cluster[]>();
    for (const c of this.newestOfShape(start)) {
      let p = -1;
      let q = -1;
      let diff = 0;
      for (let i = 0; i < n && diff <= 2; i++) {
        const a = start.words[i];
        const b = c.words[i];
        if (a === b) continue;
        if (a === null || b === null) diff = 3;
        else if (++diff === 1) p = i;
        else q = i;
      }
      if (diff !== 2) continue;
      const key = p * n + q;
      const list = byPair.get(key);
      if (list === undefined) byPair.set(key, [c]);
      else list.push(c);
    }
    for (const [key, others] of byPair) {
      const p = Math.floor(key / n);
      const q = key % n;
      const members = [start, ...others];
      if (isClosedPhrase(members, p, q, this.options.distinctValuesToGeneralize)) continue;
      if (isRepeatedKind(members, p, q, this.options.distinctValuesToGeneralize)) continue;
      const atP = this.positionGeneralises(members, p, start.constants - 1);
      const atQ = this.positionGeneralises(members, q, start.constants - 1);
      // both on their own, or one of them and the word glued to it always changing with it (one value
      // the tokenizer cut in two at punctuation: "lock hopleith:KikelBaizou", "lock soko:SiFeibei")
      if (!(atP && atQ) && !((atP || atQ) && isGluedPair(start, p, q) && changeTogether(members, p, q))) continue;
      const words = start.words.slice();
      words[p] = null;
      words[q] = null;
      if (this.options.learnValues) for (const m of members) for (const at of [p, q]) this.learnValue(m.words[at]!);
      const target = this.createCluster(start.bucket, start.seps, words);
      for (const m of members) if (m !== target) this.retire(m, target);
      this.absorbSubsumed(target);
      this.registerAndGeneralize(target);
      return;
    }
  }

  /** Whether the distinct words of `members` at `position` make it a variable (generalises). */
  private positionGeneralises(members: readonly Cluster[], position: number, constants: number): boolean {
    const distinct = new Map<string, WordKind>();
    for (const m of members) {
      const w = m.words[position]!;
      if (!distinct.has(w)) distinct.set(w, wordKindOf(w, false));
    }
    let withDigits = 0;
    let closed = 0;
    for (const kind of distinct.values()) {
      if (kind === WordKind.Digit) withDigits++;
      else if (kind === WordKind.Closed) closed++;
    }
    const words = [...distinct.keys()];
    // a few words holding an inflected verb (allocated, drained) are states, as in a sibling group (isSmallClosedSet)
    if (withDigits === 0 && distinct.size < this.options.closedValuesToGeneralize && words.some(isInflectedVerb)) return false;
    // one name's indexes (CPU0 / CPU1 / CPU2) are data, as in a sibling group (groupGeneralises)
    if (withDigits === 0 && holdsNumberedRun(words)) withDigits = distinct.size;
    // one name with two numbers (ib0, ib1 beside eth0): a program's devices, as in a sibling group (isSmallClosedSet)
    if (withDigits === 0 && distinct.size <= this.options.distinctValuesToGeneralize && holdsNumberedPair(words)) return false;
    if (distinct.size === this.options.distinctValuesToGeneralize && isCapitalisedOpening(words, position)) return false;
    return this.generalises(distinct.size, withDigits, closed, constants);
  }

  /** Plain words a line has where its template has a variable are values (the hot path: a lookup per such word). */
  private learnValuesOf(c: Cluster, line: TokenizedLine): void {
    if (c.constants === c.words.length) return;
    const { words, masked } = line;
    const cw = c.words;
    let learned = false;
    for (let i = 0; i < cw.length; i++) {
      if (cw[i] === null && !masked[i] && !this.knownValues.has(words[i]) && !this.isProgramWord(words[i], line.seps, i)) {
        this.learnValue(words[i]);
        learned = true;
      }
    }
    // a new name may be what tells the closed-shaped words of templates held apart from `c` are names too
    if (learned && c.constants > 0) this.recheckHeldApart(c);
  }

  /**
   * Whether `w`, word `at` of a line or template with separators `seps`, is the program's own
   * word rather than a value: lower-case letters standing between whitespace that a live template
   * holds as a constant. The words of a reason phrase that
   * became variables ("No route to host" / "Connection reset by peer") are such words when other
   * messages print them as their text ("connecting to upstream"); learned as values they would
   * be masked in every new message holding them, splitting its event.
   */
  private isProgramWord(w: string, seps: readonly string[], at: number): boolean {
    if (!LOWER_WORD.test(w) || !standsAlone(seps, at)) return false;
    return this.constantUses.has(w);
  }

  /** Remembers a word that turned out to be one value of a variable (not a closed-set word). */
  private learnValue(w: string): void {
    if (wordKindOf(w) === WordKind.Closed) return;
    const known = this.knownValues;
    if (!known.delete(w)) this.valueStyle.update(w, 1); // re-insert: Map order is the eviction order
    known.set(w, ++this.clock);
    if (known.size > MAX_KNOWN_VALUES) {
      const oldest = known.keys().next().value as string;
      known.delete(oldest);
      this.valueStyle.update(oldest, -1);
    }
  }

  /**
   * Emit-time generalisation: a line that matched no template is a new event
   * (or a new value of one). Words already seen as values of a variable
   * elsewhere (user and host names) are masked before its template is made,
   * so the first line of an event gets the template later lines will have
   * instead of one that is generalised after it was emitted. Keeps at least
   * one constant word. Returns whether anything was masked.
   */
  private maskKnownValues(line: TokenizedLine): boolean {
    const known = this.knownValues;
    if (known.size === 0) return false;
    const { words, masked } = line;
    let constants = 0;
    let hits = 0;
    for (let i = 0; i < words.length; i++) {
      if (masked[i]) continue;
      constants++;
      if (known.has(words[i])) hits++;
    }
    if (hits === 0 || hits >= constants) return false;
    for (let i = 0; i < words.length; i++) if (!masked[i] && known.has(words[i])) masked[i] = true;
    if (line === this.scratch) this.scratchText = undefined; // no longer the text's tokens as made
    return true;
  }

  /** Removes a cluster from matching; with a successor it is superseded, without it is evicted. */
  private retire(c: Cluster, successor: Cluster | undefined): void {
    if (!c.live) return;
    c.live = false;
    c.successor = successor;
    c.heldApart = undefined; // only live templates look again at what they held apart: a retired one keeps none alive
    if (successor !== undefined && successor !== c) successor.lines += c.lines;
    this.removeFromAnchors(c);
    if (c.elastic) {
      this.elasticCount--;
      this.byPattern.delete(c.patternKey);
      this.liveCount--;
      this.retireRecord(c, successor);
      return;
    }
    const bucket = c.bucket;
    removeFrom(bucket.clusters, c);
    indexRemove(bucket.index, c, 0);
    this.countConstants(c, -1);
    if (bucket.clusters.length === 0 && (successor === undefined || successor.bucket !== bucket || successor.elastic)) {
      const list = this.buckets.get(bucket.hash);
      if (list !== undefined) {
        removeFrom(list, bucket);
        if (list.length === 0) this.buckets.delete(bucket.hash);
      }
    }
    this.byPattern.delete(c.patternKey);
    for (const g of c.groups) {
      const k = g.members.indexOf(c);
      if (k >= 0) g.members.splice(k, 1);
      const w = c.words[g.position];
      if (w !== null) {
        const kind = wordKindOf(w);
        if (kind === WordKind.Digit) g.withDigits--;
        else if (kind === WordKind.Closed) g.closed--;
      }
      if (g.members.length === 0) this.groups.delete(g.key);
    }
    c.groups.length = 0;
    this.liveCount--;
    this.retireRecord(c, successor);
  }

  private retireRecord(c: Cluster, successor: Cluster | undefined): void {
    const record = c.record;
    record.liveClusters--;
    if (successor !== undefined && record.liveClusters === 0 && successor.record !== record) {
      record.supersededBy = successor.record.id;
      this.supersededNow.push(record);
      this.supersededInBatch?.push(record);
    }
  }

  /**
   * A line's own pattern and the steps of a cascade may be superseded within
   * the same add() before any line was assigned to them. Such entries carry no
   * records, so they are dropped from the dictionary and links through them
   * are shortened: every id in the dictionary has been handed out at least once.
   * Only records created by the current add() are dropped: an older one
   * without lines (the target of a generalisation another line caused, see
   * corroborate) may be the successor of records superseded earlier.
   */
  private pruneUnusedIntermediates(): void {
    const now = this.supersededNow;
    if (now.length === 0) return;
    const unused = (r: TemplateRecord | undefined): boolean =>
      r !== undefined && r.count === 0 && r.liveClusters === 0 && r.supersededBy !== undefined && r.born === this.adds;
    for (const r of now) {
      let next = r.supersededBy;
      for (let hops = 0; hops < now.length && next !== undefined && unused(this.records.get(next)); hops++) {
        next = this.records.get(next)!.supersededBy;
      }
      r.supersededBy = next;
    }
    for (const r of now) if (unused(r)) this.records.delete(r.id);
    now.length = 0;
  }

  /**
   * addBatch's version of pruneUnusedIntermediates: after the lines of a batch
   * moved to their final templates, the templates created during the batch
   * (add number >= firstAdd) that hold no line and are superseded are
   * dropped, and the links of every record superseded during the batch skip
   * them (only those can point at a template created during the batch).
   */
  private pruneBatchIntermediates(superseded: readonly TemplateRecord[], firstAdd: number): void {
    const unused = (r: TemplateRecord | undefined): boolean =>
      r !== undefined && r.count === 0 && r.liveClusters === 0 && r.supersededBy !== undefined && r.born >= firstAdd;
    for (const r of superseded) {
      let next = r.supersededBy;
      for (let hops = 0; hops <= superseded.length && next !== undefined && unused(this.records.get(next)); hops++) {
        next = this.records.get(next)!.supersededBy;
      }
      r.supersededBy = next;
    }
    for (const r of superseded) if (unused(r) && this.records.get(r.id) === r) this.records.delete(r.id);
  }

  /** Drops the least recently used tenth when over maxTemplates (amortised O(log n) per template). */
  private evictIfNeeded(): void {
    const max = this.options.maxTemplates;
    if (this.liveCount <= max) return;
    const all: Cluster[] = [];
    for (const list of this.buckets.values()) for (const b of list) for (const c of b.clusters) all.push(c);
    for (const list of this.elasticByAnchor.values()) for (const c of list) all.push(c);
    all.sort((a, b) => a.lastUsed - b.lastUsed);
    const target = Math.max(1, max - Math.ceil(max / 10)); // the template just used is the newest: it stays
    for (let k = 0; k < all.length && this.liveCount > target; k++) this.retire(all[k], undefined);
  }
}

