/**
 * "Credit Meter: Export Usage". Interactive: quick picks for format, range, models, kinds, status and
 * prompts, then a save dialog. With an options object (keybindings, tests, the history view's Export
 * button): only what is missing is asked, and nothing at all when `targetPath` is given.
 *
 * Records are selected with the same filter translation as the history view, so the row count and
 * credits in the success message equal the view's. The file is written by the core exporter (temp
 * file + rename): a failed or cancelled export leaves no partial file.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ledger } from '../../core/ledger/ledger';
import type { Services } from '../services';
import { OUTCOME_STATUSES, REQUEST_KINDS } from '../../core/ledger/usageRecord';
import { IsoDay, RANGE_LABELS, RANGE_PRESETS, formatLocalDay, type RangePreset } from '../../protocol/historyFilter';
import {
  defaultFileName, describeWriteError, EXPORT_FORMATS, filterOf, formatOfPath, ledgerFilterOf, parseExportOptions,
  type ExportFormat, type ExportUsageOptions, type ExportUsageResult,
} from '../../views/exportOptions';
import { EmptyExportError, writeUsageExport } from '../../core/export/writeUsageExport';

export interface ExportUsageHost {
  readonly log: vscode.LogOutputChannel;
  ledger(): Promise<Ledger>;
  /** `creditMeter.includePromptsInExport`. */
  includePromptsByDefault(): boolean;
}

function formatDescription(format: ExportFormat): string {
  switch (format) {
    case 'csv':
      return vscode.l10n.t('Spreadsheets: one row per request, fixed columns');
    case 'json':
      return vscode.l10n.t('One document with a header (filters, totals) and every record');
    case 'jsonl':
      return vscode.l10n.t('One record per line, for scripts and log tools');
  }
}

class Cancelled extends Error {}

function orCancel<T>(value: T | undefined): T {
  if (value === undefined) {
    throw new Cancelled();
  }
  return value;
}

// Every step keeps its picker open when the focus moves: the focus going back to the history view
// after one step (the Export button's webview) would otherwise close the next step and cancel the export.
async function pickFormat(): Promise<ExportFormat> {
  const picked = await vscode.window.showQuickPick(EXPORT_FORMATS.map((format) => ({ label: format.toUpperCase(), description: formatDescription(format), format })), {
    title: vscode.l10n.t('Export Usage (1/6): format'), placeHolder: vscode.l10n.t('File format'), ignoreFocusOut: true,
  });
  return orCancel(picked).format;
}

async function askDay(prompt: string, value: string): Promise<string> {
  return orCancel(await vscode.window.showInputBox({
    title: vscode.l10n.t('Export Usage: custom dates'), prompt, value, placeHolder: vscode.l10n.t({ message: 'YYYY-MM-DD', comment: ['The form of a date the box accepts: year, month, day, in this order, with digits.'] }), ignoreFocusOut: true,
    validateInput: (text) => (IsoDay.safeParse(text.trim()).success ? undefined : vscode.l10n.t('Enter a real date as YYYY-MM-DD, e.g. 2026-03-01')),
  })).trim();
}

async function pickRange(): Promise<Pick<ExportUsageOptions, 'range' | 'since' | 'until'>> {
  const picked = orCancel(await vscode.window.showQuickPick(RANGE_PRESETS.map((range) => ({ label: RANGE_LABELS[range], range })), {
    title: vscode.l10n.t('Export Usage (2/6): date range'), placeHolder: vscode.l10n.t('Which requests'), ignoreFocusOut: true,
  }));
  if (picked.range !== 'custom') {
    return { range: picked.range };
  }
  const today = formatLocalDay(Date.now());
  const since = await askDay(vscode.l10n.t('First day to include'), today);
  let until = await askDay(vscode.l10n.t('Last day to include'), today);
  while (until < since) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The last day is before the first day.'));
    until = await askDay(vscode.l10n.t('Last day to include (on or after {0})', since), since);
  }
  return { range: 'custom' as RangePreset, since, until };
}

/** Several choices; none picked means all. */
async function pickMany(options: readonly string[], title: string, placeHolder: string): Promise<string[]> {
  if (options.length === 0) {
    return [];
  }
  const picked = orCancel(await vscode.window.showQuickPick(options.map((label) => ({ label })), {
    title, placeHolder, canPickMany: true, ignoreFocusOut: true,
  }));
  return picked.map((item) => item.label);
}

async function pickIncludePrompts(byDefault: boolean): Promise<boolean> {
  const items = [
    { label: vscode.l10n.t('Leave prompts out'), description: vscode.l10n.t('Counts, costs and context labels only'), include: false },
    { label: vscode.l10n.t('Include prompts'), description: `$(warning) ${vscode.l10n.t('Prompts may contain code or secrets')}`, include: true },
  ];
  if (byDefault) {
    items.reverse();
  }
  const picked = orCancel(await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Export Usage (6/6): prompts'), placeHolder: vscode.l10n.t('Prompts and system text are stored on this machine only; an export may be shared'),
    ignoreFocusOut: true,
  }));
  return picked.include;
}

async function pickTarget(format: ExportFormat): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const uri = orCancel(await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export Usage'),
    saveLabel: vscode.l10n.t('Export'),
    defaultUri: vscode.Uri.joinPath(folder, defaultFileName(format, Date.now())),
    filters: { [format.toUpperCase()]: [format] },
  }));
  if (uri.scheme !== 'file') {
    throw new RangeError(vscode.l10n.t('Export Usage writes to a local file; choose a folder on this machine.'));
  }
  return uri.fsPath;
}

/** Fills in what the options leave open, asking only when no `targetPath` was given. */
async function complete(options: ExportUsageOptions, host: ExportUsageHost, ledger: Ledger): Promise<Required<Pick<ExportUsageOptions, 'format' | 'includePrompts' | 'targetPath'>> & ExportUsageOptions> {
  if (options.targetPath !== undefined) {
    return { ...options, format: options.format ?? formatOfPath(options.targetPath), includePrompts: options.includePrompts ?? host.includePromptsByDefault(), targetPath: options.targetPath };
  }
  const format = options.format ?? await pickFormat();
  const range = options.range !== undefined || options.since !== undefined || options.until !== undefined ? {} : await pickRange();
  const models = options.models ?? await pickMany([...new Set((await ledger.summaries({})).map((summary) => summary.modelRequested))].sort(),
    vscode.l10n.t('Export Usage (3/6): models'), vscode.l10n.t('Pick models to include, or press Enter with none picked for all'));
  const kinds = (options.kinds ?? await pickMany(REQUEST_KINDS, vscode.l10n.t('Export Usage (4/6): request kinds'), vscode.l10n.t('Pick request kinds to include, or press Enter with none picked for all'))) as ExportUsageOptions['kinds'];
  const statuses = (options.statuses ?? await pickMany(OUTCOME_STATUSES, vscode.l10n.t('Export Usage (5/6): statuses'), vscode.l10n.t('Pick statuses to include, or press Enter with none picked for all'))) as ExportUsageOptions['statuses'];
  const includePrompts = options.includePrompts ?? await pickIncludePrompts(host.includePromptsByDefault());
  const targetPath = await pickTarget(format);
  return { ...options, ...range, format, models, kinds, statuses, includePrompts, targetPath };
}

function offerToOpen(file: string, message: string): void {
  const open = vscode.l10n.t('Open');
  const reveal = vscode.l10n.t('Reveal');
  void vscode.window.showInformationMessage(message, open, reveal).then(async (choice) => {
    if (choice === open) {
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
    } else if (choice === reveal) {
      await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file));
    }
  });
}

/**
 * The command handler. Resolves with what was written, or undefined when the user backed out.
 * With a `targetPath`, failures reject (after telling the user) so scripted callers see them.
 */
export async function exportUsage(host: ExportUsageHost, rawOptions?: unknown): Promise<ExportUsageResult | undefined> {
  const scripted = typeof rawOptions === 'object' && rawOptions !== null && 'targetPath' in rawOptions;
  let options: ExportUsageOptions;
  try {
    options = parseExportOptions(rawOptions);
    filterOf(options);
  } catch (error) {
    void vscode.window.showErrorMessage((error as Error).message);
    throw error;
  }
  const ledger = await host.ledger();
  let request: Awaited<ReturnType<typeof complete>>;
  try {
    request = await complete(options, host, ledger);
  } catch (error) {
    if (error instanceof Cancelled) {
      return undefined;
    }
    void vscode.window.showErrorMessage((error as Error).message);
    throw error;
  }
  const filter = ledgerFilterOf(request, Date.now());
  const file = request.targetPath;
  try {
    const written = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting usage to {0}', path.basename(file)), cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        let reported = 0;
        return await writeUsageExport(ledger, {
          format: request.format, filter, includePrompts: request.includePrompts, targetPath: file, signal: abort.signal,
          onProgress: (rows, total) => {
            const percent = total > 0 ? (rows / total) * 100 : 0;
            progress.report({ increment: percent - reported, message: vscode.l10n.t('{0} of {1} requests', rows.toLocaleString(), total.toLocaleString()) });
            reported = percent;
          },
        });
      } finally {
        subscription.dispose();
      }
    });
    // Formatted as the history view formats credits, so the two read the same for the same filter.
    const credits = written.totalCredits.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 3 });
    host.log.info(`Exported ${written.rows} requests (${credits} credits) to ${file}`);
    const { damaged, newerSchema, quarantined } = written.skipped;
    const left = damaged + newerSchema + quarantined;
    if (left > 0) {
      host.log.warn(`Export left out ${damaged} damaged ledger line(s), ${newerSchema} record(s) of a newer Credit Meter and ${quarantined} quarantined line(s)`);
    }
    const exported = vscode.l10n.t('Exported {0} requests ({1} credits) to {2}.', written.rows.toLocaleString(), credits, path.basename(file));
    offerToOpen(file, left > 0 ? `${exported} ${vscode.l10n.t('{0} ledger line(s) could not be included (see the log).', left.toLocaleString())}` : exported);
    return { rows: written.rows, totalCredits: written.totalCredits, path: file };
  } catch (error) {
    if (error instanceof EmptyExportError) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No usage matches these filters: nothing was exported.'));
      return { rows: 0, totalCredits: 0 };
    }
    if ((error as Error | undefined)?.name === 'AbortError') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Export cancelled: no file was written.'));
      return undefined;
    }
    const message = describeWriteError(error, file);
    host.log.error(message);
    void vscode.window.showErrorMessage(message);
    if (scripted) {
      throw new Error(message, { cause: error });
    }
    return undefined;
  }
}

/** The command as registered: the extension's services supply the ledger, log and prompt default. */
export function exportUsageCommand(services: Pick<Services, 'log' | 'ledger' | 'config'>): (options?: unknown) => Promise<ExportUsageResult | undefined> {
  const host: ExportUsageHost = {
    log: services.log,
    ledger: () => services.ledger(),
    includePromptsByDefault: () => services.config.settings.includePromptsInExport,
  };
  return (options) => exportUsage(host, options);
}
