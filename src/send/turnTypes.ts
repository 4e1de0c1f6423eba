/**
 * The plain values a turn is made of. No `vscode` here: the turn runner is unit-tested in plain Node.
 */
import type { ContextKind } from '../core/contextKind';
import type { RecordEstimate, RequestKind } from '../core/ledger/usageRecord';
import type { DraftConversation } from './conversationDraft';

/** One piece of context sent with the prompt. `text` is sent, never stored: the ledger keeps the label and size. */
export interface DraftContext {
  readonly kind: ContextKind;
  /** Where it came from: a workspace-relative path and range. */
  readonly label: string;
  readonly text: string;
}

/** Where a draft comes from; each source keeps its own incremental estimate (`summary`: a thread's summary request). */
export type DraftSource = 'compose' | 'inputBox' | 'selection' | 'hover' | 'summary';

/** What the user is about to send. */
export interface Draft {
  readonly prompt: string;
  readonly contexts: readonly DraftContext[];
  /** `<provider id>:<model id>`. */
  readonly modelRef: string;
  readonly kind: RequestKind;
  readonly source: DraftSource;
  /** The conversation it continues: its earlier turns are resent and its prompt cache applies. */
  readonly conversation?: DraftConversation;
}

/** Token counts made when the estimate was taken, reused for the record's system / tools / context fields. */
export interface SendTimeCounts {
  readonly systemTokens: number;
  readonly toolsTokens: number;
  /** One count per draft context, in order. */
  readonly contextTokens: readonly number[];
  /** Whole input as estimated; used by the adapter when a stream ends before the usage report. */
  readonly inputTokens: number;
}

/** The estimate shown when the user pressed Send, kept with every attempt so accuracy can be measured. */
export interface SendTimeEstimate {
  readonly record: RecordEstimate | null;
  readonly counts: SendTimeCounts;
}
