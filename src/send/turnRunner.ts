/**
 * Runs one turn: sends the draft through a `ChatProvider`, streams the answer, and appends one ledger
 * record per attempt (same `turnId`, attempt numbers, retries) with the estimate made at send time.
 * A failed or cancelled request is recorded too. No `vscode` import: unit-tested in plain Node.
 */
import * as l10n from '@vscode/l10n';
import { randomUUID } from 'node:crypto';
import { sentRequest } from '../core/estimate/sentRequest';
import { type AttemptFacts, type AttemptPricing, attemptRecord } from '../core/ledger/attemptRecord';
import type { RecordSource, UsageRecord } from '../core/ledger/usageRecord';
import { ProviderError } from '../providers/providerError';
import type { AttemptOutcome, AttemptStatus, ChatMessage, ChatProvider, ChatTextBlock } from '../providers/types';
import type { Draft, DraftContext, SendTimeEstimate } from './turnTypes';

/** Where records go: the core `Ledger` fits. */
export interface TurnLedger {
  append(record: UsageRecord): Promise<void>;
}

export interface TurnRequest {
  readonly provider: ChatProvider;
  /** Base URL the provider talks to (only its host is recorded). */
  readonly baseUrl?: string;
  /** Model id as the provider knows it (without the `<provider id>:` prefix). */
  readonly model: string;
  readonly draft: Draft;
  readonly system: string;
  readonly estimate: SendTimeEstimate;
  readonly storePrompts: boolean;
  readonly maxTokens?: number;
  /** Aborts the HTTP request (the Stop command, a cancellation token). */
  readonly signal?: AbortSignal;
  readonly onText?: (delta: string) => void;
  readonly onAttempt?: (record: UsageRecord) => void;
  readonly turnId?: string;
  /** Which door the request came in by; `compose` when absent. */
  readonly source?: RecordSource;
  /** The Compose conversation it belongs to. */
  readonly threadId?: string;
  /**
   * The messages to send when the draft continues a conversation: the earlier turns, then the draft's
   * message, built by the core (`buildThreadRequest`, `conversationSend`), cache breakpoints marked.
   * Without it the draft's own message is sent.
   */
  readonly messages?: { readonly system: string; readonly systemBlocks: readonly ChatTextBlock[]; readonly messages: readonly ChatMessage[] };
}

export interface TurnResult {
  readonly turnId: string;
  readonly status: AttemptStatus;
  readonly text: string;
  /** Every record appended, one per attempt, in order. */
  readonly records: readonly UsageRecord[];
  /** Credits of all attempts; null when some attempt had no known price. */
  readonly credits: number | null;
  readonly usd: number | null;
  readonly error?: ProviderError;
  /** A record could not be written (disk full, …): the answer is fine, the ledger is not. */
  readonly ledgerError?: Error;
}

export interface TurnRunnerOptions {
  readonly ledger: TurnLedger;
  /** The credit profile (and catalogue hints) charges are computed with when an attempt ends. */
  readonly pricing: () => AttemptPricing;
}

/** What stays the same for every attempt of a turn. */
type TurnFacts = Pick<AttemptFacts, 'turnId' | 'round' | 'source' | 'client' | 'threadId' | 'provider' | 'baseUrl' | 'model' | 'kind' | 'contexts' | 'texts' | 'partTokens' | 'estimate'>;

/** The draft's contexts as the record keeps them: labels and sizes, never the text. */
function contextItems(contexts: readonly DraftContext[], tokens: readonly number[]): AttemptFacts['contexts'] {
  return contexts.map((context, index) => ({
    kind: context.kind,
    label: context.label,
    tokens: Math.max(0, Math.round(tokens[index] ?? 0)),
    bytes: Buffer.byteLength(context.text, 'utf8'),
  }));
}

/** A provider's attempt as the core's record builder takes it. */
function attemptFacts(turn: TurnFacts, outcome: AttemptOutcome): AttemptFacts {
  const error = outcome.error;
  return {
    ...turn,
    attempt: outcome.attempt - 1,
    startedAt: outcome.startedAt,
    firstTokenAt: outcome.firstTokenAt,
    finishedAt: outcome.finishedAt,
    status: outcome.status,
    httpStatus: outcome.httpStatus,
    errorClass: error?.errorClass,
    // Some messages already quote the provider's own words; they are not stored twice.
    errorMessage: error ? (error.detail && !error.message.includes(error.detail) ? `${error.message} (${error.detail})` : error.message) : undefined,
    usage: outcome.usage,
    usageSource: outcome.usageSource,
    modelServed: outcome.modelServed,
    region: outcome.region,
    chargedCredits: outcome.chargedCredits,
    providerCostUsd: outcome.providerCostUsd,
    tools: { names: [], calls: 0, externalCalls: 0 },
  };
}

type RunningListener = (running: boolean) => void;

export class TurnRunner {
  private readonly controllers = new Map<string, AbortController>();
  private readonly listeners = new Set<RunningListener>();

  constructor(private readonly options: TurnRunnerOptions) {}

  get isRunning(): boolean {
    return this.controllers.size > 0;
  }

  /** Told when the first turn starts and when the last one ends (drives `creditMeter.requestRunning`). */
  onDidChangeRunning(listener: RunningListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  /** Aborts one turn, or every running turn. Returns whether anything was running. */
  stop(turnId?: string): boolean {
    const targets = turnId === undefined ? [...this.controllers.values()] : [this.controllers.get(turnId)].filter((c) => c !== undefined);
    for (const controller of targets) {
      controller.abort();
    }
    return targets.length > 0;
  }

  async run(request: TurnRequest): Promise<TurnResult> {
    const turnId = request.turnId ?? randomUUID();
    const controller = new AbortController();
    const onOuterAbort = (): void => controller.abort();
    if (request.signal?.aborted) {
      controller.abort();
    }
    request.signal?.addEventListener('abort', onOuterAbort, { once: true });
    this.setRunning(turnId, controller);

    const counts = request.estimate.counts;
    const turn: TurnFacts = {
      turnId,
      round: 0,
      source: request.source ?? 'compose',
      client: null,
      threadId: request.threadId ?? null,
      provider: request.provider.kind,
      baseUrl: request.baseUrl,
      model: request.model,
      kind: request.draft.kind,
      contexts: contextItems(request.draft.contexts, counts.contextTokens),
      texts: request.storePrompts ? { prompt: request.draft.prompt, system: request.system } : undefined,
      partTokens: { system: counts.systemTokens, tools: counts.toolsTokens },
      estimate: request.estimate.record,
    };
    const records: UsageRecord[] = [];
    const writes: Promise<void>[] = [];
    let ledgerError: Error | undefined;
    const recordAttempt = (outcome: AttemptOutcome): void => {
      const record = attemptRecord(attemptFacts(turn, outcome), this.options.pricing());
      records.push(record);
      request.onAttempt?.(record);
      writes.push(this.options.ledger.append(record).catch((error: unknown) => {
        ledgerError ??= error instanceof Error ? error : new Error(String(error));
      }));
    };

    const startedAt = new Date();
    // What is sent is what the estimate counted: the core builds both.
    const sent = request.messages ?? sentRequest({ system: [request.system], prompt: request.draft.prompt, contexts: request.draft.contexts });
    const systemBlocks = request.messages?.systemBlocks;
    try {
      const result = await request.provider.send({
        model: request.model,
        ...(sent.system ? { system: sent.system } : {}),
        ...(systemBlocks && systemBlocks.length > 0 ? { systemBlocks } : {}),
        messages: sent.messages,
        ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
        inputTokenEstimate: request.estimate.counts.inputTokens,
        signal: controller.signal,
      }, {
        onText: (delta) => request.onText?.(delta),
        onAttempt: recordAttempt,
      });
      if (records.length === 0) {
        // An adapter that reported no attempt still sent something: record its last word.
        for (const outcome of result.attempts) {
          recordAttempt(outcome);
        }
      }
      await Promise.all(writes);
      return summarize(turnId, result.status, result.text, records, result.error, ledgerError);
    } catch (error) {
      // A programming error in an adapter: the request may have gone out, so it is still recorded.
      const failure = new ProviderError({
        errorClass: 'protocol',
        message: l10n.t('Credit Meter could not complete the request: {0}', error instanceof Error ? error.message : String(error)),
        retryable: false,
      });
      recordAttempt({
        attempt: records.length + 1,
        status: controller.signal.aborted ? 'cancelled' : 'error',
        usageSource: 'estimated',
        chargeSource: 'computed',
        error: failure,
        startedAt,
        finishedAt: new Date(),
        text: '',
      });
      await Promise.all(writes);
      return summarize(turnId, controller.signal.aborted ? 'cancelled' : 'error', '', records, failure, ledgerError);
    } finally {
      request.signal?.removeEventListener('abort', onOuterAbort);
      this.setRunning(turnId, undefined);
    }
  }

  private setRunning(turnId: string, controller: AbortController | undefined): void {
    const before = this.isRunning;
    if (controller) {
      this.controllers.set(turnId, controller);
    } else {
      this.controllers.delete(turnId);
    }
    if (before !== this.isRunning) {
      for (const listener of [...this.listeners]) {
        listener(this.isRunning);
      }
    }
  }
}

function summarize(
  turnId: string,
  status: AttemptStatus,
  text: string,
  records: UsageRecord[],
  error: ProviderError | undefined,
  ledgerError: Error | undefined,
): TurnResult {
  let credits: number | null = 0;
  let usd: number | null = 0;
  for (const record of records) {
    credits = credits === null || record.cost.credits === null ? null : credits + record.cost.credits;
    usd = usd === null || record.cost.usd === null ? null : usd + record.cost.usd;
  }
  return {
    turnId,
    status,
    text,
    records,
    credits,
    usd,
    ...(error ? { error } : {}),
    ...(ledgerError ? { ledgerError } : {}),
  };
}
