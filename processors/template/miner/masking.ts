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
 * - the literals true / false / null (values, never message text)
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

/** [+-]?\d+(\.\d+)*(unit{1,3})? — plain numbers, dotted numbers (IPv4, versions), numbers with a unit. */
function isNumberLike(w: string): boolean {
  const n = w.length;
  let i = 0;
  const first = w.charCodeAt(0);
  if (first === 0x2b || first === 0x2d) i = 1;
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
 * True when the word is a value by its shape alone (see the module comment).
 * `maskKeywords` controls the true/false/null rule.
 */
export function isVariableWord(w: string, maskKeywords: boolean): boolean {
  const n = w.length;
  let digits = 0;
  let longestDigitRun = 0;
  let run = 0;
  let allHex = true;
  for (let i = 0; i < n; i++) {
    const c = w.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      run++;
      if (run > longestDigitRun) longestDigitRun = run;
    } else {
      run = 0;
      if (!isHexLetter(c)) allHex = false;
    }
  }
  if (digits === 0) return maskKeywords && n >= 4 && n <= 5 && KEYWORD_VALUES.has(w);
  if (longestDigitRun >= 5) return true;
  if (isNumberLike(w)) return true;
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
  return false;
}

/** True when the word contains an ASCII digit. */
export function hasDigit(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (isDigit(w.charCodeAt(i))) return true;
  return false;
}
