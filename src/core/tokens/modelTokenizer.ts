/**
 * Which encoding counts a model's tokens, and whether that count is exact or a calibrated proxy.
 * OpenAI models are exact on their own encoding; every other family is counted with o200k_base and
 * scaled by its calibration factor.
 */
import { CalibrationTable, type ModelFamily } from './calibration';
import type { EncodingName } from './encodingName';

export interface ModelTokenizer {
  /** The id as given (provider prefix and date suffix kept). */
  modelId: string;
  encoding: EncodingName;
  family: ModelFamily;
  /** True when `encoding` is the model's own tokenizer, so counts are exact. */
  exact: boolean;
  /** Multiply a count by this to estimate the provider's count (1 when exact). */
  calibration: number;
}

/** OpenAI models on o200k_base: gpt-4o, gpt-4.1, gpt-4.5, gpt-5, the o-series, chatgpt-4o, gpt-oss, codex. */
const O200K_MODELS = /^(?:gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o[134](?:$|-)|gpt-oss|codex-|gpt-realtime|gpt-audio|computer-use)/;
/** OpenAI models on cl100k_base: gpt-4 (incl. turbo), gpt-3.5, the text-embedding-3 and ada-002 embeddings. */
const CL100K_MODELS = /^(?:gpt-4(?:$|-)|gpt-3\.5|gpt-35|text-embedding-3|text-embedding-ada-002)/;

const PROXY_FAMILIES: ReadonlyArray<[RegExp, ModelFamily]> = [
  [/claude/, 'anthropic'],
  [/gemini|gemma/, 'google'],
  [/llama/, 'meta'],
  [/deepseek/, 'deepseek'],
  [/mistral|mixtral|codestral|ministral|devstral|magistral|pixtral/, 'mistral'],
  [/qwen|qwq/, 'qwen'],
];

/** The bare model name: no provider or region prefix (`openai/`, `us.anthropic.`), no fine-tune wrapper. */
export function bareModelName(modelId: string): string {
  let name = modelId.trim().toLowerCase();
  name = name.slice(name.lastIndexOf('/') + 1);
  if (name.startsWith('ft:')) {
    name = name.slice(3).split(':')[0];
  }
  // Bedrock-style ids: `anthropic.claude-...`, `us.anthropic.claude-...`, `meta.llama3-...`.
  const dotted = /^(?:[a-z]{2,4}\.)?(?:anthropic|meta|mistral|amazon|cohere|deepseek|openai|google|qwen)\.(.+)$/.exec(name);
  if (dotted) {
    name = dotted[1];
  }
  return name;
}

export function tokenizerForModel(modelId: string, calibration: CalibrationTable = new CalibrationTable()): ModelTokenizer {
  const name = bareModelName(modelId);
  if (O200K_MODELS.test(name)) {
    return { modelId, encoding: 'o200k_base', family: 'openai', exact: true, calibration: 1 };
  }
  if (CL100K_MODELS.test(name)) {
    return { modelId, encoding: 'cl100k_base', family: 'openai', exact: true, calibration: 1 };
  }
  const family = PROXY_FAMILIES.find(([pattern]) => pattern.test(name))?.[1] ?? 'other';
  return { modelId, encoding: 'o200k_base', family, exact: false, calibration: calibration.factor(family) };
}
