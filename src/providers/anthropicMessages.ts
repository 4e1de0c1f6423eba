import { anthropicDialect } from './anthropicDialect';
import { HttpChatProvider, type HttpProviderOptions } from './httpChatProvider';

export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** The Anthropic Messages API at `{baseUrl}/v1/messages`. */
export function createAnthropicProvider(options: HttpProviderOptions): HttpChatProvider {
  return new HttpChatProvider('anthropic', anthropicDialect(), options);
}
