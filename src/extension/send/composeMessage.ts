/**
 * The user message a draft becomes: each context wrapped with its label, then the prompt. The estimate
 * counts exactly this text, so what is counted is what is sent.
 */
import type { DraftContext } from './turnTypes';

export function contextBlock(context: DraftContext): string {
  return `<context kind="${context.kind}" label="${context.label.replace(/"/g, '&quot;')}">\n${context.text}\n</context>`;
}

export function composeUserMessage(prompt: string, contexts: readonly DraftContext[]): string {
  return [...contexts.map(contextBlock), prompt].join('\n\n');
}
