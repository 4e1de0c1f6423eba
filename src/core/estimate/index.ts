/** Pre-send estimates: what is sent, tokens per part, predicted output, and credits low / expected / high. */
export { type ContextWindow, type ContextWindowSource, FAMILY_CONTEXT_WINDOWS, contextWindowFor, longContextThreshold } from './contextWindow';
export { type CacheCost, type CacheCostOptions, blockCounting, cacheAwareCost } from './cacheCost';
export { type CacheScenario, ROUNDS_OVERRUN, costRange, highRoundsFor } from './costRange';
export { estimateRequest } from './estimateRequest';
export { type DraftCache, EstimateSession, type EstimateSessionOptions, type ResentHistoryInput, diffEdit } from './estimateSession';
export {
  type ContextItem,
  type ContextKind,
  type CreditRange,
  type Estimate,
  type EstimateCache,
  type EstimateCost,
  type EstimateInput,
  type EstimateOptions,
  type EstimatePart,
  PART_KINDS,
  type PartKind,
  type ToolDefinition,
} from './estimateTypes';
export { MESSAGE_FORMATS, type MessageFormat, type MessageFormatName, messageFormatFor, messageOverhead } from './messageFormat';
export {
  type HistoryRecord,
  MAX_SCALED_CODE_TOKENS,
  OUTPUT_PRIORS,
  type OutputPrediction,
  type OutputQuantiles,
  PRIOR_WEIGHT,
  SCALED_PRIORS,
  outputPrior,
  predictOutput,
  quantile,
} from './outputModel';
export { CLASSIFIED_PREFIX, REQUEST_KINDS, type RequestKind, classifyKind, isRequestKind } from './requestKind';
export { MAX_ROUNDS, ROUNDS_BY_KIND, type RoundsSource, checkRounds, predictRounds } from './rounds';
export {
  BLOCK_SEPARATOR,
  type DraftRequest,
  PART_JUNCTION,
  type SentContext,
  type SentMessage,
  type SentRequest,
  contextBlock,
  contextBody,
  messageCount,
  messageParts,
  sentRequest,
  systemText,
  userMessage,
  userMessageParts,
} from './sentRequest';
