/**
 * Budgets in the editor: today's and this month's spend from the ledger, a modal confirmation before a
 * request whose high estimate would cross a budget, and one notification per period at 80 % and 100 %.
 */
import * as vscode from 'vscode';
import { budgetsCrossedBy, noticesDue, type BudgetLimits, type NoticeState, type Spend } from '../core/budget/budget';
import { periodBounds } from '../core/budget/periods';
import { formatCredits } from '../core/format/credits';
import type { Ledger } from '../core/ledger/ledger';
import { Disposable } from './lifecycle';

const NOTICE_STATE_KEY = 'creditMeter.budgetNotices';

export interface BudgetsOptions {
  readonly limits: () => BudgetLimits;
  readonly workspaceState: vscode.Memento;
  readonly log: vscode.LogOutputChannel;
}

export class Budgets extends Disposable {
  private ledger: Ledger | undefined;
  /** Spend of the current day and month, kept up to date on append without rereading the ledger. */
  private current: { spend: Spend; dayKey: string; monthKey: string } | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<Spend>());
  /** Fires when spend changes (a record was appended, or a new day began). */
  readonly onDidChangeSpend = this.changed.event;

  constructor(private readonly options: BudgetsOptions) {
    super();
  }

  /** Starts following a ledger once it is open. */
  async attach(ledger: Ledger): Promise<void> {
    this.ledger = ledger;
    this._register(ledger.onDidAppend((record) => {
      const credits = record.cost.credits ?? 0;
      const started = new Date(record.startedAt);
      const bounds = periodBounds(new Date());
      if (this.current && this.current.dayKey === bounds.dayKey && this.current.monthKey === bounds.monthKey) {
        const inDay = started >= bounds.dayStart && started < bounds.dayEnd;
        const inMonth = started >= bounds.monthStart && started < bounds.monthEnd;
        const spend = {
          today: this.current.spend.today + (inDay ? credits : 0),
          month: this.current.spend.month + (inMonth ? credits : 0),
        };
        this.current = { ...this.current, spend };
        this.changed.fire(spend);
        void this.notifyThresholds(spend);
      } else {
        void this.recount().then((spend) => this.notifyThresholds(spend));
      }
    }));
    await this.recount();
  }

  get limits(): BudgetLimits {
    return this.options.limits();
  }

  /** Credits charged today and this month (local time) in this workspace, as last counted. */
  spend(now = new Date()): Spend {
    const bounds = periodBounds(now);
    if (!this.current) {
      return { today: 0, month: 0 };
    }
    if (this.current.dayKey !== bounds.dayKey || this.current.monthKey !== bounds.monthKey) {
      void this.recount();
      return { today: 0, month: this.current.monthKey === bounds.monthKey ? this.current.spend.month : 0 };
    }
    return this.current.spend;
  }

  /** Sums today and this month from the ledger (on open and when a period rolls over). */
  async recount(now = new Date()): Promise<Spend> {
    if (!this.ledger) {
      return { today: 0, month: 0 };
    }
    const bounds = periodBounds(now);
    const [today, month] = await Promise.all([
      this.ledger.totals({ since: bounds.dayStart, until: bounds.dayEnd }),
      this.ledger.totals({ since: bounds.monthStart, until: bounds.monthEnd }),
    ]);
    const spend = { today: today.credits, month: month.credits };
    this.current = { spend, dayKey: bounds.dayKey, monthKey: bounds.monthKey };
    this.changed.fire(spend);
    return spend;
  }

  /**
   * Asks before a request whose high estimate would cross a budget. Resolves true to go ahead.
   * `high` null (no price known) is not blocked: there is nothing to compare.
   */
  async confirmSend(high: number | null): Promise<boolean> {
    if (high === null) {
      return true;
    }
    const breaches = budgetsCrossedBy(this.spend(), this.limits, high);
    if (breaches.length === 0) {
      return true;
    }
    const detail = breaches
      .map((breach) => (breach.period === 'daily'
        ? vscode.l10n.t('Daily budget: {0} of {1} cr spent; up to {2} cr after this request.', formatCredits(breach.spent), formatCredits(breach.limit), formatCredits(breach.after))
        : vscode.l10n.t('Monthly budget: {0} of {1} cr spent; up to {2} cr after this request.', formatCredits(breach.spent), formatCredits(breach.limit), formatCredits(breach.after))))
      .join('\n');
    const send = vscode.l10n.t('Send Anyway');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t('This request could exceed your credit budget.'), { modal: true, detail }, send);
    return answer === send;
  }

  private async notifyThresholds(spend: Spend): Promise<void> {
    const previous = this.options.workspaceState.get<NoticeState>(NOTICE_STATE_KEY);
    const decision = noticesDue(previous, spend, this.limits, new Date());
    if (decision.due.length === 0) {
      return;
    }
    await this.options.workspaceState.update(NOTICE_STATE_KEY, decision.state);
    for (const notice of decision.due) {
      const [spent, limit] = [formatCredits(notice.spent), formatCredits(notice.limit)];
      const daily = notice.period === 'daily';
      const message = notice.level >= 100
        ? daily
          ? vscode.l10n.t('Credit Meter: you have used your daily budget ({0} of {1} cr).', spent, limit)
          : vscode.l10n.t('Credit Meter: you have used your monthly budget ({0} of {1} cr).', spent, limit)
        : daily
          ? vscode.l10n.t('Credit Meter: {0} % of your daily budget used ({1} of {2} cr).', notice.level, spent, limit)
          : vscode.l10n.t('Credit Meter: {0} % of your monthly budget used ({1} of {2} cr).', notice.level, spent, limit);
      this.options.log.info(message);
      void vscode.window.showWarningMessage(message);
    }
  }
}
