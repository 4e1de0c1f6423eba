export type { LongThreadFacts, PriceRequest, PriorSends, Tip, TipAction, TipContext, TipDraft, TipEnvironment, TipId, TipSpan } from './tip';
export { compareTips, computeTips } from './computeTips';
export { TIP_THRESHOLDS } from './thresholds';
export { SessionContextLog, contextFingerprint } from './sessionContextLog';
export { formatSaving, formatTipText } from './formatTip';
export { findLogBlocks, condenseLog } from './detectLog';
export { estimateTokenCounter, profilePrice, tipDraftFromEstimate } from './fromEstimate';
