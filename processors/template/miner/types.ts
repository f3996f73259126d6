/** Public types of the template miner. */

export interface MinerOptions {
  /**
   * A word position becomes a variable once this many distinct constant words
   * have been seen there among templates that are otherwise identical.
   * Small closed sets (bytes/values, SCREEN_ON/SCREEN_OFF/TIME_TICK) stay
   * separate templates; open sets (user names, host names) generalise.
   */
  readonly distinctValuesToGeneralize: number;
  /** Same, when at least one of the distinct words contains a digit (ssh-host-07a, -17>). */
  readonly digitValuesToGeneralize: number;
  /**
   * Same, when most of the words are shaped like a program's own constants
   * (RUNNING, SCREEN_ON, onReceive, auth_fail, opened, draining: see
   * isClosedSetWord): lifecycle states and verbs name events, so a closed set
   * of them stays separate templates unless it is unusually large.
   */
  readonly closedValuesToGeneralize: number;
  /**
   * Emit-time generalisation: words seen as values of a variable (names that
   * varied in another template) are variables on the first line of a new
   * template, so a new event's first record already gets its general template.
   */
  readonly learnValues: boolean;
  /**
   * Length-insensitive grouping (length-merge.ts): lines of one event whose
   * word count varies (an optional bracketed part, an empty field, lists of
   * varying length) share one template whose variable may span several words.
   */
  readonly mergeLengths: boolean;
  /**
   * Two plain words that vary at one position stay constants (below
   * distinctValuesToGeneralize) unless the same two words vary at another
   * position or in a template of another shape too: two user names seen in
   * two events are values of a variable, whereas a closed set of words
   * belongs to one place in one message.
   */
  readonly corroboratedPairs: boolean;
  /**
   * Two plain words that vary at one position are values (a pair of names,
   * below distinctValuesToGeneralize) once each has been seen in this many
   * lines and neither is a word of the program's own messages: neither occurs
   * as a constant of another live template (in a place where the other word
   * does not occur too, after another key), both are lower case, they are not two forms of one
   * word (failure/failures, eth0/eth1), and they follow a constant word (their
   * key: pool X, by X) or start the message. A program reuses its own words
   * across its messages (stored as bytes / 2703 bytes result sent; Changing
   * view acls / users with view permissions), whereas the names of users,
   * queues and pools appear only where a name goes. The line count is the
   * time the program's other messages get to show either word as one of
   * their own; the check is repeated every this many lines of a template.
   * Once the miner knows a few names (values of variables), the two words
   * must also be spelled clearly more like those names than like the
   * program's constant words (word-style.ts: character bigrams learned from
   * the service itself): link up/down, mode read/write and moved to
   * foreground/background stay separate events even when used nowhere else.
   * 0: two plain words never generalise on their own.
   */
  readonly namePairLines: number;
  /** Treat true/false/null as variables. */
  readonly maskKeywords: boolean;
  /** Words per line considered; the tail beyond becomes one variable. */
  readonly maxWords: number;
  /** Characters per line examined (cut back to whitespace); the rest becomes one variable. */
  readonly maxLineLength: number;
  /**
   * Live templates kept for matching. Beyond it the least recently used are
   * evicted from the matcher (their dictionary entries stay; a template that
   * comes back gets the same id because ids are hashes of the text).
   */
  readonly maxTemplates: number;
}

export const DEFAULT_MINER_OPTIONS: MinerOptions = Object.freeze({
  distinctValuesToGeneralize: 3,
  digitValuesToGeneralize: 2,
  closedValuesToGeneralize: 8,
  learnValues: true,
  mergeLengths: true,
  corroboratedPairs: true,
  namePairLines: 8,
  maskKeywords: true,
  maxWords: 128,
  maxLineLength: 8192,
  maxTemplates: 50_000,
});

export interface MatchResult {
  /** templateIdOf(template): stable 64-bit hash of the template text. */
  readonly templateId: bigint;
  /** The line with variables as `<*>`, constant text exact (see render.ts for escaping). */
  readonly template: string;
  /** The variable parts in order: renderTemplate(template, args) === the line. */
  readonly args: string[];
  /** True when this line created the template or generalised one into it. */
  readonly changed: boolean;
}

export interface MinedTemplate {
  readonly id: bigint;
  readonly template: string;
  /** Lines assigned to this template while it was current. */
  readonly count: number;
  /**
   * Set once the template was generalised into (merged with) a more general
   * one. Records already stored under this id stay valid — the template text
   * still renders them exactly; the link says which group they now belong to.
   */
  readonly supersededBy?: bigint;
  /** Whether the template is currently used for matching (not superseded, not evicted). */
  readonly live: boolean;
}

/** JSON form written by TemplateMiner.toJSON (bigints as decimal strings). */
export interface MinerSnapshot {
  readonly format: 'logfun.template-miner';
  readonly version: 1;
  readonly options: MinerOptions;
  readonly templates: Array<{ id: string; template: string; count: number; supersededBy?: string }>;
  /** Live templates: exact separators (one more than words) and words (null = variable). */
  readonly clusters: Array<{
    id: string;
    seps: string[];
    words: Array<string | null>;
    lastUsed: number;
    /** Lines of the template and of those it superseded (namePairLines counts them), when not its count. Absent in older snapshots. */
    lines?: number;
    /** Set for elastic templates (variables match any text, seps are the constant texts; see length-merge.ts). */
    elastic?: true;
    /** Elastic only: per variable, whether it stands for an optional bracketed part. */
    optional?: boolean[];
    /** Positions whose values were all file names or hosts (a plain word there is its own event). Absent when none. */
    structuredAt?: number[];
    /**
     * Elastic templates made from free text only: the texts they absorbed (at most 8), evidence
     * that the same texts are printed in other frames. Absent for other templates.
     */
    absorbed?: Array<{ seps: string[]; words: Array<string | null> }>;
    /**
     * Regular templates, with mergeLengths: the anchor lists of recent templates (length-merge
     * candidates) it is still in. Clusters are listed in creation order, so restored lists hold
     * the same templates in the same order. Absent in older snapshots (then: all its anchors).
     */
    anchors?: string[];
    /**
     * Regular templates with a variable: the live templates it held apart for a closed-shaped word (Cluster.heldApart),
     * as indices into `clusters`. Absent when it never looked for them (then: looked for on its next
     * learned value, as in the original), and in older snapshots.
     */
    heldApart?: number[];
  }>;
  /**
   * The newest free-text templates, oldest first (at most 32), whose absorbed texts every frame
   * consults: ids of live elastic templates, null for one retired since. Absent in older snapshots.
   */
  readonly freeText?: Array<string | null>;
  /** Words learned as values (learnValues), oldest first. Absent in snapshots of older versions. */
  readonly knownValues?: string[];
  /**
   * corroboratedPairs: the keys of the live sibling groups whose two words were corroborated, and the
   * map from a pair of words to the group that last held it (oldest first; [pair, group key], or
   * [pair, null] for a group gone since). Restored as saved rather than found again: which group a
   * pair names depends on the order groups formed in. Absent in older snapshots (then: found again).
   */
  readonly corroborated?: string[];
  readonly pairs?: Array<[string, string | null]>;
}
