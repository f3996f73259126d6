/**
 * Online template mining for plain-text log bodies (library; the template
 * processor wires it into the pipeline).
 *
 *   const miner = new TemplateMiner();
 *   const r = miner.add('Failed password for root from 10.0.0.1 port 22 ssh2');
 *   // r.template === 'Failed password for root from <*> port <*> ssh2'
 *   // renderTemplate(r.template, r.args) === the line, byte for byte
 */
export { TemplateMiner } from './miner';
export { renderTemplate, escapeConstant, unescapeConstant, countVariables, templateParts, VARIABLE_MARKER } from './render';
export { tokenize, tokenizeInto, newTokenizedLine, type TokenizedLine, type TokenizerOptions } from './tokenizer';
export { isVariableWord } from './masking';
export {
  DEFAULT_MINER_OPTIONS,
  type MinerOptions,
  type MatchResult,
  type MinedTemplate,
  type MinerSnapshot,
} from './types';
