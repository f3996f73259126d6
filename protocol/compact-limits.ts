/** Bounds of the compact protocol (proto/logfun/v1/ingest.proto) that SDKs and collectors agree on. */

/**
 * Longest template text sent as a template definition. Collectors refuse longer
 * definitions (INVALID_ARGUMENT, ending the stream; their default
 * service.templates.max_text_length is this value), so records of a longer
 * template travel verbatim: rendered Body, no definition, nothing refused.
 */
export const MAX_TEMPLATE_TEXT_LENGTH = 4096;

/** Dictionary bounds (a collector keeps at least this many entries per stream). */
export const MAX_DICTIONARY_STRINGS = 16384;
export const MAX_DICTIONARY_STRING_LENGTH = 64;
