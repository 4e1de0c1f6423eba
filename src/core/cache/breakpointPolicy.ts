/**
 * Where `cache_control` goes on an Anthropic request built from a conversation (README.md,
 * "Breakpoint policy", has the reasoning and the numbers). At most four breakpoints, each only where
 * the prefix up to it reaches the model's minimum cacheable length (a shorter one would cache
 * nothing and only use up a slot):
 *
 * 1. `latest`: the last block of the new user message. Everything sent now is cached for the next
 *    follow-up, which then pays the read price for the whole conversation so far.
 * 2. `history`: the last block of the previous user message, where the previous request put its
 *    `latest`. Its entry is read by an exact match, however many blocks the new turn adds (a read
 *    only looks back 20 positions from a breakpoint).
 * 3. `context`: the last context block of the new user message, so the same context asked about
 *    again with another prompt (a retry, a new thread) is read.
 * 4. `system`: the end of the system prompt, the prefix shared by every thread.
 *
 * Breakpoints cost nothing by themselves: a request pays the write price from the longest prefix it
 * reads to its last breakpoint, wherever the others sit.
 */
import type { AnthropicCacheRules, CacheTtl } from './cacheTypes';
import { type ConversationMessage, type ConversationRequest, type TextBlock, conversationMessage } from './conversation';

export type BreakpointRole = 'latest' | 'history' | 'context' | 'system';

/** Which roles win when there are more candidates than breakpoints allowed. */
export const BREAKPOINT_PRIORITY: readonly BreakpointRole[] = ['latest', 'history', 'context', 'system'];

export interface BreakpointSlot {
  readonly role: BreakpointRole;
  /** `system`, or the index of the message. */
  readonly message: number | 'system';
  readonly block: number;
  /** Tokens of the prompt up to and including the block. */
  readonly prefixTokens: number;
}

export interface PlacedBreakpoint extends BreakpointSlot {
  readonly ttl: CacheTtl;
}

export interface SkippedBreakpoint extends BreakpointSlot {
  readonly reason: 'belowMinimum' | 'limit';
}

export interface PlacementOptions {
  readonly rules: Pick<AnthropicCacheRules, 'minimumTokens' | 'maxBreakpoints'>;
  /** Tokens of a text as the provider counts them (calibrated). */
  readonly countTokens: (text: string) => number;
  /** Lifetime asked for at every breakpoint; `5m` by default. */
  readonly ttl?: CacheTtl;
  /** Tokens before the system prompt (tool definitions), part of every prefix. */
  readonly leadingTokens?: number;
}

export interface Placement {
  /** The request with `cache` set on the chosen blocks (and cleared everywhere else). */
  readonly request: ConversationRequest;
  readonly breakpoints: readonly PlacedBreakpoint[];
  readonly skipped: readonly SkippedBreakpoint[];
}

function lastNonEmpty(blocks: readonly TextBlock[], accept: (block: TextBlock) => boolean = () => true): number {
  for (let i = blocks.length - 1; i >= 0; i--) {
    if (blocks[i].text !== '' && accept(blocks[i])) {
      return i;
    }
  }
  return -1;
}

export function placeBreakpoints(request: ConversationRequest, options: PlacementOptions): Placement {
  const ttl = options.ttl ?? '5m';
  const { minimumTokens, maxBreakpoints } = options.rules;
  // Prefix tokens at the end of every block, in the order the provider reads them.
  let running = options.leadingTokens ?? 0;
  const systemEnds = request.system.map((block) => (running += options.countTokens(block.text)));
  const messageEnds = request.messages.map((message) => message.blocks.map((block) => (running += options.countTokens(block.text))));

  const candidates: BreakpointSlot[] = [];
  const add = (role: BreakpointRole, message: number | 'system', block: number) => {
    if (block < 0) {
      return;
    }
    const prefixTokens = message === 'system' ? systemEnds[block] : messageEnds[message][block];
    if (!candidates.some((slot) => slot.message === message && slot.block === block)) {
      candidates.push({ role, message, block, prefixTokens });
    }
  };
  const lastIndex = request.messages.length - 1;
  if (lastIndex >= 0) {
    const newMessage = request.messages[lastIndex];
    add('latest', lastIndex, lastNonEmpty(newMessage.blocks));
    for (let m = lastIndex - 1; m >= 0; m--) {
      if (request.messages[m].role === 'user') {
        add('history', m, lastNonEmpty(request.messages[m].blocks));
        break;
      }
    }
    add('context', lastIndex, lastNonEmpty(newMessage.blocks, (block) => block.kind === 'context'));
  }
  add('system', 'system', lastNonEmpty(request.system));

  const skipped: SkippedBreakpoint[] = [];
  const eligible = candidates.filter((slot) => {
    if (slot.prefixTokens < minimumTokens) {
      skipped.push({ ...slot, reason: 'belowMinimum' });
      return false;
    }
    return true;
  });
  const rank = (slot: BreakpointSlot) => BREAKPOINT_PRIORITY.indexOf(slot.role);
  const chosen = [...eligible].sort((a, b) => rank(a) - rank(b));
  for (const slot of chosen.splice(Math.max(0, maxBreakpoints))) {
    skipped.push({ ...slot, reason: 'limit' });
  }
  const placed: PlacedBreakpoint[] = chosen.map((slot) => ({ ...slot, ttl })).sort((a, b) => a.prefixTokens - b.prefixTokens);

  const marked = (message: number | 'system', blocks: readonly TextBlock[]): TextBlock[] =>
    blocks.map((block, index) => {
      const { cache: _previous, ...plain } = block;
      return placed.some((slot) => slot.message === message && slot.block === index) ? { ...plain, cache: ttl } : plain;
    });
  const messages: ConversationMessage[] = request.messages.map((message, index) => conversationMessage(message.role, marked(index, message.blocks)));
  return { request: { system: marked('system', request.system), messages }, breakpoints: placed, skipped };
}
