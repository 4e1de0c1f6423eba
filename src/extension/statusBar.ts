/**
 * The status-bar item: the live estimate while composing, what the selection would cost as context,
 * otherwise today's spend. Every trigger (keystroke, selection, append) only schedules a render;
 * rendering happens at most once per frame.
 */
import * as vscode from 'vscode';
import { statusText, statusTooltip, statusWarns, type StatusMode, type StatusSnapshot, type TipSummary } from '../core/format/statusView';
import { cacheText, threadText } from '../views/composeText';
import type { ComposeThreads } from './compose/composeThreads';
import { FrameDebouncer } from '../core/frameDebouncer';
import { Disposable } from './lifecycle';
import type { Services } from './services';
import type { DraftEstimate } from '../send/draftEstimator';
import type { Draft, DraftContext } from '../send/turnTypes';

export const STATUS_ITEM_ID = 'creditMeter.status';
const TOP_TIPS = 3;

/** What the item shows, readable by tests through the extension's exported API. */
export interface StatusBarView {
  readonly mode: StatusMode;
  readonly text: string;
  readonly tooltip: string;
  readonly warning: boolean;
}

/** The selection of an editor as a context item, or undefined when nothing is selected. */
export function selectionContext(editor: vscode.TextEditor | undefined): DraftContext | undefined {
  if (!editor) {
    return undefined;
  }
  const selections = editor.selections.filter((selection) => !selection.isEmpty);
  if (selections.length === 0) {
    return undefined;
  }
  const document = editor.document;
  const text = selections.map((selection) => document.getText(selection)).join('\n');
  const first = selections[0];
  const last = selections[selections.length - 1];
  const where = document.uri.scheme === 'file' || document.uri.scheme === 'vscode-remote' ? vscode.workspace.asRelativePath(document.uri, false) : document.uri.path;
  return { kind: 'selection', label: `${where}:${first.start.line + 1}-${last.end.line + 1}`, text };
}

export class StatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly frame: FrameDebouncer;
  private selectionCache: { key: string; estimate: DraftEstimate; draft: Draft } | undefined;
  private view: StatusBarView = { mode: 'idle', text: '', tooltip: '', warning: false };

  constructor(private readonly services: Services, private readonly threads?: ComposeThreads) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Right, 100));
    this.item.name = vscode.l10n.t('Credit Meter');
    this.item.command = 'creditMeter.openCompose';
    this.frame = this._register(new FrameDebouncer(() => this.render(), (error) => this.services.log.error('Status bar update failed', error)));
    this._register(services.liveEstimate.onDidChange(() => this.frame.schedule()));
    this._register(services.budgets.onDidChangeSpend(() => this.frame.schedule()));
    this._register(services.config.onDidChange(() => { this.selectionCache = undefined; this.frame.schedule(); }));
    this._register(services.onDidChangeProfile(() => { this.selectionCache = undefined; this.frame.schedule(); }));
    this._register(vscode.window.onDidChangeTextEditorSelection(() => this.frame.schedule()));
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.frame.schedule()));
    if (threads) {
      this._register(threads.onDidChange(() => this.frame.schedule()));
    }
    // The first frame shows today's spend only: counting a selection would load the tokenizer on the activation path.
    this.render(true);
    this.item.show();
    this.frame.schedule();
  }

  /** The current text, tooltip and warning state, rendered now. */
  current(): StatusBarView {
    this.render();
    return this.view;
  }


  private render(idleOnly = false): void {
    const snapshot = idleOnly ? this.idleSnapshot() : this.snapshot();
    this.view = {
      mode: snapshot.mode,
      text: statusText(snapshot),
      tooltip: statusTooltip(snapshot),
      warning: statusWarns(snapshot),
    };
    this.item.text = this.view.text;
    const tooltip = new vscode.MarkdownString(this.view.tooltip, true);
    tooltip.isTrusted = false;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = this.view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: vscode.l10n.t('Credit Meter: {0}', this.view.text.replace(/\$\([a-z-]+\)\s*/g, '')) };
  }

  private idleSnapshot(): StatusSnapshot {
    return { mode: 'idle', spend: this.services.budgets.spend(), limits: this.services.config.settings.budget, tips: [] };
  }

  private snapshot(): StatusSnapshot {
    const settings = this.services.config.settings;
    const base = { spend: this.services.budgets.spend(), limits: settings.budget };
    const live = this.services.liveEstimate.state;
    // An open but empty Compose view is not composing yet: the selection (or today's spend) says more.
    const typing = live && (live.draft.prompt.trim() !== '' || live.draft.source === 'inputBox');
    if (live && typing) {
      return { ...base, mode: 'draft', estimate: live.estimate.summary, tips: this.tips(live.draft, live.estimate), notes: this.notes(live.draft, live.estimate) };
    }
    const selection = settings.showSelectionEstimate ? this.selectionEstimate() : undefined;
    if (selection) {
      return { ...base, mode: 'selection', estimate: selection.estimate.summary, tips: this.tips(selection.draft, selection.estimate) };
    }
    return { ...base, mode: 'idle', tips: [] };
  }

  private selectionEstimate(): { estimate: DraftEstimate; draft: Draft } | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selections.every((selection) => selection.isEmpty)) {
      return undefined;
    }
    const modelRef = this.services.config.settings.defaultModel;
    const key = `${editor.document.uri.toString()}#${editor.document.version}#${editor.selections.map((s) => `${s.start.line}:${s.start.character}-${s.end.line}:${s.end.character}`).join(',')}#${modelRef}`;
    if (this.selectionCache?.key !== key) {
      // Only a changed selection, document or model costs a getText and a count.
      const context = selectionContext(editor);
      if (!context) {
        return undefined;
      }
      const draft: Draft = { prompt: '', contexts: [context], modelRef, kind: 'explain', source: 'selection' };
      this.selectionCache = { key, draft, estimate: this.services.liveEstimate.estimateDraft(draft) };
    }
    return this.selectionCache;
  }

  /** The thread the draft continues, and what the prompt cache does for it (worded as in Compose). */
  private notes(draft: Draft, estimate: DraftEstimate): string[] {
    const notes: string[] = [];
    const conversation = draft.conversation;
    if (conversation) {
      const id = conversation.threadId;
      const summary = id === undefined ? undefined : this.threads?.list().find((thread) => thread.id === id);
      notes.push(threadText.statusLine(summary?.title, summary?.turns ?? 0, summary?.cost.credits ?? 0));
    }
    const cache = estimate.estimate.cache;
    if (cache && cache.rules !== 'none') {
      const saving = estimate.summary.credits ? cacheText.saving(cache, estimate.summary.credits.expected) : undefined;
      notes.push(cacheText.statusLine(cache, saving));
      const note = cacheText.note(cache, Date.now());
      if (note) {
        notes.push(note);
      }
    }
    return notes;
  }

  /** The same tips, priced the same way, as the Compose view and the hovers show. */
  private tips(draft: Draft, estimate: DraftEstimate): TipSummary[] {
    try {
      return this.services.tips.forDraft(draft, estimate, TOP_TIPS)
        .map((tip) => ({ title: tip.title, savedTokens: tip.savingTokens, savedCredits: tip.savingCredits ?? null }));
    } catch (error) {
      this.services.log.warn(`Tips failed: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

}
