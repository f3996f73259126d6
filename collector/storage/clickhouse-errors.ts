/**
 * Decides what a failed ClickHouse statement means for a retry:
 * - permanent: the server parsed the request and rejected its data (a malformed
 *   value, a type error); resending the same bytes would fail the same way.
 * - retryable: anything else — network trouble, an overloaded or restarting
 *   server, a missing table (it may be recreated), auth (fixable without
 *   losing data).
 * - ambiguous: the statement may have been applied although we saw a failure
 *   (the response was lost: reset connection, timeout, abort). Retries after an
 *   ambiguous failure must be idempotent.
 */
export interface ClickHouseFailure {
  kind: 'permanent' | 'retryable';
  ambiguous: boolean;
  /** ClickHouse exception code when the server answered with one. */
  code?: number;
  message: string;
}

/** Exception codes caused by the inserted data itself. */
const DATA_ERROR_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  190, // SIZES_OF_ARRAYS_DOESNT_MATCH
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  407, // DECIMAL_OVERFLOW
  469, // VIOLATED_CONSTRAINT
  691, // UNKNOWN_ELEMENT_OF_ENUM
]);

/** Codes meaning "the server does not know whether the insert was committed". */
const UNKNOWN_OUTCOME_CODES = new Set([
  319, // UNKNOWN_STATUS_OF_INSERT
  999, // KEEPER_EXCEPTION (replicated tables: the commit may have happened)
]);

/** Socket errors raised before any byte reached the server: the statement surely did not run. */
const NOT_SENT_ERRNOS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The ClickHouse exception code carried by an error from @clickhouse/client or chDB, if any. */
export function clickHouseErrorCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const o = e as { code?: unknown; clickhouseCode?: unknown; message?: unknown };
    if (typeof o.clickhouseCode === 'number') return o.clickhouseCode;
    if (typeof o.code === 'string' && /^\d+$/.test(o.code)) return Number(o.code);
    // Old servers (18.x) answer "Code: 60, e.displayText() = DB::Exception: ...", which the client does not parse.
    if (typeof o.message === 'string') {
      const m = /(?:^|\s)Code: (\d+)[,.]/.exec(o.message);
      if (m) return Number(m[1]);
    }
  }
  return undefined;
}

function errno(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string' && /^E[A-Z]+$/.test(c)) return c;
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0].slice(0, 500);
  return String(err).slice(0, 500);
}

export function classifyClickHouseError(err: unknown): ClickHouseFailure {
  const message = errorMessage(err);
  const code = clickHouseErrorCode(err);
  if (code !== undefined) {
    if (DATA_ERROR_CODES.has(code)) return { kind: 'permanent', ambiguous: false, code, message };
    return { kind: 'retryable', ambiguous: UNKNOWN_OUTCOME_CODES.has(code), code, message };
  }
  const e = errno(err);
  if (e && NOT_SENT_ERRNOS.has(e)) return { kind: 'retryable', ambiguous: false, message };
  // Reset connections, timeouts, aborts, HTTP errors without a body: the outcome is unknown.
  return { kind: 'retryable', ambiguous: true, message };
}
