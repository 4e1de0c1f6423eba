/**
 * A status-bar item for the gateway's running task: `Cline · round 12 · 3.4 cr`, shown while a task
 * is open (the item beside it keeps the live estimate and today's spend). Click: usage history.
 */
import * as vscode from 'vscode';
import { taskStatusText, taskStatusTooltip } from '../../core/tasks';
import { Disposable } from '../lifecycle';
import type { GatewayHost } from './gatewayHost';

export const TASK_ITEM_ID = 'creditMeter.gatewayTask';
/** Idle tasks close after a quarter of an hour; the item looks again this often. */
const REFRESH_MS = 30_000;

export interface TaskStatusView {
  readonly visible: boolean;
  readonly text: string;
  readonly tooltip: string;
}

export class TaskStatusItem extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private view: TaskStatusView = { visible: false, text: '', tooltip: '' };

  constructor(private readonly host: GatewayHost) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem(TASK_ITEM_ID, vscode.StatusBarAlignment.Right, 99));
    this.item.name = vscode.l10n.t('Credit Meter: assistant task');
    this.item.command = 'creditMeter.showHistory';
    this._register(host.onDidChangeTask(() => this.render()));
    this._register(host.onDidChange(() => this.render()));
    const timer = setInterval(() => this.render(), REFRESH_MS);
    this._register({ dispose: () => clearInterval(timer) });
    this.render();
  }

  current(): TaskStatusView {
    this.render();
    return this.view;
  }

  private render(): void {
    const task = this.host.latestTask();
    if (!task) {
      this.view = { visible: false, text: '', tooltip: '' };
      this.item.hide();
      return;
    }
    const text = `${task.inFlight > 0 ? '$(sync~spin)' : '$(pulse)'} ${taskStatusText(task)}`;
    const tooltip = taskStatusTooltip(task, Date.now());
    this.view = { visible: true, text, tooltip };
    this.item.text = text;
    const markdown = new vscode.MarkdownString(tooltip, true);
    markdown.isTrusted = false;
    this.item.tooltip = markdown;
    this.item.accessibilityInformation = { label: vscode.l10n.t('Credit Meter: {0}', taskStatusText(task)) };
    this.item.show();
  }
}
