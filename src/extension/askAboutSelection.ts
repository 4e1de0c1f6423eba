/**
 * "Credit Meter: Ask About Selection": a native input box whose title shows the live estimate of the
 * prompt plus the selection while the user types; on accept, the budget check, the request and the
 * streamed answer with what it was charged.
 */
import * as vscode from 'vscode';
import { classifyKind } from '../core/estimate/requestKind';
import { formatCreditRange, formatCredits } from '../core/format/credits';
import type { AnswerDocuments } from './answerDocument';
import type { Services } from './services';
import { selectionContext } from './statusBar';
import type { TurnResult } from './send/turnRunner';
import type { Draft, DraftContext } from './send/turnTypes';

export interface AskArgs {
  /** Skips the input box (keybindings, tests). */
  readonly prompt?: string;
  readonly modelRef?: string;
}

function titleFor(services: Services, where: string): string {
  const estimate = services.liveEstimate.state?.estimate.summary;
  if (!estimate) {
    return `Ask about ${where}`;
  }
  const credits = estimate.credits;
  const cost = credits ? `≈ ${formatCredits(credits.expected)} cr (${formatCreditRange(credits.low, credits.high)})` : 'no price known';
  return `Ask about ${where} · ${cost} · ${estimate.inputTokens.toLocaleString('en-US')} tokens in`;
}

/** Shows the input box; resolves the prompt, or undefined when dismissed. */
function promptFor(services: Services, contexts: readonly DraftContext[], modelRef: string): Promise<string | undefined> {
  const where = contexts[0]?.label ?? 'your code';
  const box = vscode.window.createInputBox();
  box.title = `Ask about ${where}`;
  box.placeholder = 'What do you want to know? (Enter sends, Escape cancels)';
  box.ignoreFocusOut = true;
  const update = (value: string): void => {
    services.liveEstimate.update({ source: 'inputBox', prompt: value, contexts, modelRef, kind: classifyKind(value) });
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

export function chargeSummary(result: TurnResult, estimated: { expected: number; low: number; high: number } | null): string {
  const charged = `Charged **${formatCredits(result.credits)} cr**`;
  const estimate = estimated ? ` · estimated ${formatCredits(estimated.expected)} cr (${formatCreditRange(estimated.low, estimated.high)})` : '';
  const attempts = result.records.length > 1 ? ` · ${result.records.length} attempts` : '';
  const status = result.status === 'ok' ? '' : ` · ${result.status}${result.error ? `: ${result.error.message}` : ''}`;
  return `${charged}${estimate}${attempts}${status}`;
}

export async function askAboutSelection(services: Services, answers: AnswerDocuments, args: AskArgs = {}): Promise<TurnResult | undefined> {
  const context = selectionContext(vscode.window.activeTextEditor);
  const contexts = context ? [context] : [];
  const modelRef = args.modelRef ?? services.config.settings.defaultModel;
  const prompt = args.prompt ?? await promptFor(services, contexts, modelRef);
  if (!prompt) {
    return undefined;
  }
  const draft: Draft = { prompt, contexts, modelRef, kind: classifyKind(prompt), source: 'inputBox' };
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Credit Meter: asking ${modelRef}`, cancellable: true },
      async (_progress, token) => {
        let uri: vscode.Uri | undefined;
        let opening: Promise<vscode.Uri> | undefined;
        let text = '';
        const heading = `# ${prompt.split('\n')[0].slice(0, 80)}\n\n`;
        const outcome = await services.send(draft, {
          token,
          onText: (delta) => {
            text += delta;
            if (uri) {
              answers.set(uri, heading + text);
            } else {
              // The answer streams into its document from the first token on.
              opening ??= answers.open(prompt, heading + text).then((opened) => (uri = opened));
            }
          },
        });
        const result = outcome.result;
        if (!result) {
          return undefined;
        }
        uri = await (opening ?? answers.open(prompt, heading + text));
        answers.set(uri, `${heading}${result.text}\n\n---\n\n${chargeSummary(result, outcome.estimate.summary.credits)}\n`, true);
        if (result.status === 'error' || result.status === 'aborted') {
          // Not awaited: the message stays until the user dismisses it, the command returns now.
          void services.showSendError(result.error ?? new Error(`The request ended: ${result.status}.`));
        }
        return result;
      },
    );
  } catch (error) {
    void services.showSendError(error);
    return undefined;
  }
}
