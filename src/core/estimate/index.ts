/** Pre-send estimates: tokens per part, predicted output, and credits low / expected / high. */
export { ROUNDS_OVERRUN, costRange, highRoundsFor } from './costRange';
export { estimateRequest } from './estimateRequest';
export { EstimateSession, type EstimateSessionOptions } from './estimateSession';
export type {
  ContextItem,
  ContextKind,
  CreditRange,
  Estimate,
  EstimateCost,
  EstimateInput,
  EstimateOptions,
  EstimatePart,
  PartKind,
  ToolDefinition,
} from './estimateTypes';
export { REPLY_PRIMING_TOKENS, ROLE_TOKENS, TOKENS_PER_MESSAGE, messageOverhead } from './messageOverhead';
export {
  type HistoryRecord,
  OUTPUT_PRIORS,
  type OutputPrediction,
  type OutputQuantiles,
  PRIOR_WEIGHT,
  predictOutput,
  quantile,
} from './outputModel';
export { CLASSIFIED_PREFIX, REQUEST_KINDS, type RequestKind, classifyKind, isRequestKind } from './requestKind';
