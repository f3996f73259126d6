/**
 * ArgumentKind of proto/logfun/v1/ingest.proto: how a template argument travels in
 * a RecordBatch (which value column holds it). One definition for the SDK's encoder
 * and both decoders (the collector's stream decoder, the log-file decoder).
 */
export const enum ArgumentKind {
  String = 0,
  Int = 1,
  Double = 2,
  Bool = 3,
  Bytes = 4,
  Number = 5,
  StringNumber = 6,
  IntDelta = 7,
}

/** The highest kind a decoder accepts. */
export const MAX_ARGUMENT_KIND = ArgumentKind.IntDelta;
