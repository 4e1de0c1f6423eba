/** Token counting: exact for OpenAI encodings, calibrated proxies for other families, incremental per document. */
export type { EncodingName } from './encodingName';
export { ENCODING_NAMES, isEncodingName } from './encodingName';
export type { TokenCounter } from './bpeCounter';
export { isCounterLoaded, loadCounter, warmUp } from './tokenCounter';
export type { ModelTokenizer } from './modelTokenizer';
export { tokenizerForModel, bareModelName } from './modelTokenizer';
export type { CalibrationJson, ModelFamily } from './calibration';
export { CalibrationTable, CALIBRATION_PRIORS, MODEL_FAMILIES } from './calibration';
export { DocumentCounter } from './documentCounter';
