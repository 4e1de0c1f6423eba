/**
 * The draft being composed (in the Compose view or the Ask About Selection input box) and its live
 * estimate. Updates arrive per keystroke; the estimate runs at most once per frame, on the latest draft.
 */
import * as vscode from 'vscode';
import type { RequestKind } from '../core/ledger/usageRecord';
import { parseModelRef } from '../core/settings/modelRef';
import type { DraftConversation } from '../send/conversationDraft';
import type { DraftEstimate, DraftEstimator } from '../send/draftEstimator';
import type { Draft, DraftContext, DraftSource } from '../send/turnTypes';
import { FrameDebouncer } from '../core/frameDebouncer';
import { Disposable } from './lifecycle';


export interface LiveEstimateState {
  readonly draft: Draft;
  readonly estimate: DraftEstimate;
}

export interface DraftUpdate {
  readonly source: DraftSource;
  readonly prompt?: string;
  readonly contexts?: readonly DraftContext[];
  readonly modelRef?: string;
  readonly kind?: RequestKind;
  /** The conversation the draft continues; `null` for none. */
  readonly conversation?: DraftConversation | null;
}

export interface LiveEstimateOptions {
  readonly estimator: DraftEstimator;
  readonly defaultModelRef: () => string;
  readonly system: () => string;
  readonly log: vscode.LogOutputChannel;
}

export class LiveEstimate extends Disposable {
  private draft: Draft | undefined;
  private latest: LiveEstimateState | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<LiveEstimateState | undefined>());
  private readonly frame: FrameDebouncer;
  /** Fires with the new estimate (at most once per frame), or `undefined` when composing stops. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: LiveEstimateOptions) {
    super();
    this.frame = this._register(new FrameDebouncer(() => this.flush(), (error) => this.options.log.error('Estimating the draft failed', error)));
  }

  /** The draft and estimate as of the last frame; undefined while nobody composes. */
  get state(): LiveEstimateState | undefined {
    return this.latest;
  }

  get currentDraft(): Draft | undefined {
    return this.draft;
  }

  /** Merges a change into the draft; the estimate follows within a frame. */
  update(change: DraftUpdate): void {
    const previous = this.draft?.source === change.source ? this.draft : undefined;
    this.draft = {
      source: change.source,
      prompt: change.prompt ?? previous?.prompt ?? '',
      contexts: change.contexts ?? previous?.contexts ?? [],
      modelRef: change.modelRef ?? previous?.modelRef ?? this.options.defaultModelRef(),
      kind: change.kind ?? previous?.kind ?? 'other',
    };
    const conversation = change.conversation === undefined ? previous?.conversation : change.conversation ?? undefined;
    if (conversation) {
      this.draft = { ...this.draft, conversation };
    }
    this.frame.schedule();
  }

  /** Composing stopped (the box closed, the draft was sent). */
  clear(source?: DraftSource): void {
    if (source !== undefined && this.draft?.source !== source) {
      return;
    }
    this.frame.cancel();
    this.draft = undefined;
    this.latest = undefined;
    this.changed.fire(undefined);
  }

  /** Estimates the current draft right away (at send time, or when a caller cannot wait a frame). */
  flush(): LiveEstimateState | undefined {
    this.frame.cancel();
    if (!this.draft) {
      return undefined;
    }
    this.latest = { draft: this.draft, estimate: this.estimateDraft(this.draft) };
    this.changed.fire(this.latest);
    return this.latest;
  }

  /** An estimate of any draft, without touching the live one. */
  estimateDraft(draft: Draft): DraftEstimate {
    const ref = parseModelRef(draft.modelRef);
    return this.options.estimator.estimate({
      source: draft.source,
      model: ref?.model ?? draft.modelRef,
      system: this.options.system(),
      prompt: draft.prompt,
      contexts: draft.contexts,
      kind: draft.kind,
      ...(draft.conversation ? { conversation: draft.conversation } : {}),
    });
  }

  /** Re-estimates with new settings (model, system prompt, profile). */
  refresh(): void {
    if (this.draft) {
      this.frame.schedule();
    }
  }


}
