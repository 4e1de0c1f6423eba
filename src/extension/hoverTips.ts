/**
 * Hovers with ways to cut a prompt's cost: over the selection in any editor (what sending it as
 * context would cost, and how to send less), and inside `*.prompt.md` files over the span that causes
 * the cost. The rules and their savings come from the core (`src/core/tips`).
 */
import * as vscode from 'vscode';
import { classifyKind } from '../core/estimate/requestKind';
import { escapeMarkdown, formatCreditRange, formatCredits } from '../core/format/credits';
import { formatSaving, type Tip } from '../core/tips';
import type { Services } from './services';
import type { DraftEstimate } from '../send/draftEstimator';
import type { Draft } from '../send/turnTypes';
import { selectionContext } from './statusBar';

export const PROMPT_FILE_SUFFIX = '.prompt.md';

export function isPromptFile(document: vscode.TextDocument): boolean {
  return document.uri.path.toLowerCase().endsWith(PROMPT_FILE_SUFFIX);
}

/** The hover's text: the estimate, then each tip with its saving. Dynamic text is escaped. */
export function tipsMarkdown(heading: string, estimate: DraftEstimate, tips: readonly Tip[]): vscode.MarkdownString {
  const credits = estimate.summary.credits;
  const cost = credits ? vscode.l10n.t('≈ {0} cr ({1})', formatCredits(credits.expected), formatCreditRange(credits.low, credits.high)) : vscode.l10n.t('no price known for this model');
  const markdown = new vscode.MarkdownString(undefined, true);
  markdown.isTrusted = false;
  markdown.appendMarkdown(`**${escapeMarkdown(vscode.l10n.t('Credit Meter'))}** · ${escapeMarkdown(heading)} ${escapeMarkdown(cost)}\n\n`);
  for (const tip of tips) {
    markdown.appendMarkdown(`---\n\n$(lightbulb) **${escapeMarkdown(tip.title)}** (${escapeMarkdown(formatSaving(tip))})\n\n${escapeMarkdown(tip.message)}\n\n`);
  }
  return markdown;
}

class TipsHoverProvider implements vscode.HoverProvider {
  /** The last prompt file's estimate and tips, by document version: hovering around costs nothing. */
  private promptCache: { key: string; estimate: DraftEstimate; tips: Tip[] } | undefined;

  constructor(private readonly services: Services) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.services.config.settings.hoverTipsEnabled) {
      return undefined;
    }
    try {
      return this.selectionHover(document, position) ?? (isPromptFile(document) ? this.promptFileHover(document, position) : undefined);
    } catch (error) {
      this.services.log.warn(`Hover tips failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private selectionHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const editor = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors].find((candidate) => candidate?.document === document);
    const selected = editor?.selections.find((selection) => !selection.isEmpty && selection.contains(position));
    if (!editor || !selected) {
      return undefined;
    }
    const context = selectionContext(editor);
    if (!context) {
      return undefined;
    }
    const draft: Draft = { prompt: '', contexts: [context], modelRef: this.services.config.settings.defaultModel, kind: 'explain', source: 'hover' };
    const estimate = this.services.liveEstimate.estimateDraft(draft);
    const tips = this.services.tips.forDraft(draft, estimate).filter((tip) => tip.span?.in === 'context');
    if (tips.length === 0) {
      return undefined;
    }
    const nonEmpty = editor.selections.filter((selection) => !selection.isEmpty);
    let range: vscode.Range = selected;
    const span = tips[0].span;
    if (nonEmpty.length === 1 && span) {
      // The context text is exactly the selection, so span offsets are offsets from its start.
      const base = document.offsetAt(selected.start);
      range = new vscode.Range(document.positionAt(base + span.start), document.positionAt(base + span.end));
      if (!range.contains(position)) {
        range = selected;
      }
    }
    return new vscode.Hover(tipsMarkdown(vscode.l10n.t('sending this selection as context'), estimate, tips), range);
  }

  private promptFileHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const modelRef = this.services.config.settings.defaultModel;
    const key = `${document.uri.toString()}#${document.version}#${modelRef}`;
    if (this.promptCache?.key !== key) {
      const prompt = document.getText();
      const draft: Draft = { prompt, contexts: [], modelRef, kind: classifyKind(prompt), source: 'hover' };
      const estimate = this.services.liveEstimate.estimateDraft(draft);
      this.promptCache = { key, estimate, tips: this.services.tips.forDraft(draft, estimate) };
    }
    const { estimate, tips } = this.promptCache;
    const offset = document.offsetAt(position);
    const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
    // A tip with a span shows over that span; one about the whole request (model, system prompt) anywhere.
    const here = tips.filter((tip) => !tip.span || (tip.span.in === 'prompt' && tip.span.start <= offset && offset <= tip.span.end));
    if (here.length === 0) {
      return undefined;
    }
    const narrowest = here.filter((tip) => tip.span?.in === 'prompt').sort((a, b) => spanLength(a) - spanLength(b))[0];
    const range = narrowest?.span ? new vscode.Range(document.positionAt(narrowest.span.start), document.positionAt(narrowest.span.end)) : whole;
    return new vscode.Hover(tipsMarkdown(vscode.l10n.t('sending this prompt'), estimate, here), range);
  }
}

function spanLength(tip: Tip): number {
  return tip.span ? tip.span.end - tip.span.start : Number.MAX_SAFE_INTEGER;
}

/** Registers the hover for every document (selection hovers) and prompt files. */
export function registerHoverTips(context: vscode.ExtensionContext, services: Services): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider('*', new TipsHoverProvider(services)));
}
