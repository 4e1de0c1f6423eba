/** The OpenAI BPE encodings Credit Meter counts with. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

export const ENCODING_NAMES: readonly EncodingName[] = ['o200k_base', 'cl100k_base'];

export function isEncodingName(value: string): value is EncodingName {
  return (ENCODING_NAMES as readonly string[]).includes(value);
}
