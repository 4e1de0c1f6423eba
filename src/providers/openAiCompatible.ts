import { HttpChatProvider, type HttpProviderOptions } from './httpChatProvider';
import { openAiDialect, type OpenAiDialectOptions } from './openAiDialect';

export type OpenAiCompatibleOptions = HttpProviderOptions & OpenAiDialectOptions;

/**
 * Chat Completions at `{baseUrl}/chat/completions`: OpenAI, OpenRouter, Ollama, LM Studio, vLLM,
 * llama.cpp server, LiteLLM proxy.
 */
export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): HttpChatProvider {
  return new HttpChatProvider('openai', openAiDialect(options), options);
}
