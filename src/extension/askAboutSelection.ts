/**
 * "Credit Meter: Ask About Selection": a native input box whose title shows the live estimate of the
 * prompt plus the selection while the user types; on accept, the question goes to the Compose view,
 * which sends it like its own Send button and shows the streamed answer and what it was charged.
 */
import * as vscode from 'vscode';
import { classifyKind } from '../core/estimate/requestKind';
import { formatCreditRange, formatCredits } from '../core/format/credits';
import { contextWindowWarning } from '../core/format/statusView';
import type { ComposeViewProvider } from './compose/composeViewProvider';
import type { Services } from './services';
import { selectionContext } from './statusBar';
import { cacheDialectFor } from '../send/conversationDraft';
import type { TurnResult } from '../send/turnRunner';
import type { DraftContext } from '../send/turnTypes';

export interface AskArgs {
  /** Skips the input box (keybindings, tests). */
  readonly prompt?: string;
  readonly modelRef?: string;
}

function titleFor(services: Services, where: string): string {
  const estimate = services.liveEstimate.state?.estimate.summary;
  if (!estimate) {
    return vscode.l10n.t('Ask about {0}', where);
  }
  const credits = estimate.credits;
  const cost = credits ? vscode.l10n.t('≈ {0} cr ({1})', formatCredits(credits.expected), formatCreditRange(credits.low, credits.high)) : vscode.l10n.t('no price known');
  const over = contextWindowWarning(estimate);
  return vscode.l10n.t('Ask about {0} · {1} · {2}', where, cost, over ? `⚠ ${over}` : vscode.l10n.t('{0} tokens in', estimate.inputTokens.toLocaleString('en-US')));
}

/** Shows the input box; resolves the prompt, or undefined when dismissed. */
function promptFor(services: Services, contexts: readonly DraftContext[], modelRef: string): Promise<string | undefined> {
  const where = contexts[0]?.label ?? vscode.l10n.t('your code');
  const box = vscode.window.createInputBox();
  box.title = vscode.l10n.t('Ask about {0}', where);
  box.placeholder = vscode.l10n.t('What do you want to know? (Enter sends, Escape cancels)');
  box.ignoreFocusOut = true;
  // The question starts a new thread: nothing earlier is resent, and the prompt cache is written as it will be.
  const conversation = { thread: undefined, threadId: undefined, dialect: cacheDialectFor(services.config.settings.providers, modelRef) };
  const update = (value: string): void => {
    services.liveEstimate.update({ source: 'inputBox', prompt: value, contexts, modelRef, kind: classifyKind(value), conversation });
  };
  const subscription = services.liveEstimate.onDidChange(() => { box.title = titleFor(services, where); });
  update('');
  return new Promise((resolve) => {
    let accepted: string | undefined;
    box.onDidChangeValue(update);
    box.onDidAccept(() => {
      if (box.value.trim()) {
        accepted = box.value;
        box.hide();
      }
    });
    box.onDidHide(() => {
      subscription.dispose();
      services.liveEstimate.clear('inputBox');
      box.dispose();
      resolve(accepted);
    });
    box.show();
  });
}

/** Resolves with the turn (whatever its status), or undefined when nothing was sent. */
export async function askAboutSelection(services: Services, compose: ComposeViewProvider, args: AskArgs = {}): Promise<TurnResult | undefined> {
  // Read now: once the Compose view has the focus, no editor is active.
  const selection = selectionContext(vscode.window.activeTextEditor);
  const modelRef = args.modelRef ?? services.config.settings.defaultModel;
  const prompt = args.prompt ?? await promptFor(services, selection ? [selection] : [], modelRef);
  if (!prompt) {
    return undefined;
  }
  try {
    return await compose.ask({ prompt, selection, modelRef });
  } catch (error) {
    void services.showSendError(error);
    return undefined;
  }
}
