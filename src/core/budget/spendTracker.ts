/**
 * Credits charged today and this month (local time) in a ledger, kept current as records are appended
 * and recounted from the ledger when a day or month rolls over. For hosts without VS Code (the CLI's
 * gateway); the extension's `Budgets` keeps the same sums for its own notices.
 */
import type { Ledger } from '../ledger/ledger';
import type { Spend } from './budget';
import { periodBounds } from './periods';

type SpendLedger = Pick<Ledger, 'totals' | 'onDidAppend'>;

export class SpendTracker {
  private current: { spend: Spend; dayKey: string; monthKey: string } = { spend: { today: 0, month: 0 }, dayKey: '', monthKey: '' };
  private readonly subscription: { dispose(): void };

  private constructor(private readonly ledger: SpendLedger, private readonly now: () => Date) {
    this.subscription = ledger.onDidAppend((record) => {
      const started = new Date(record.startedAt);
      const bounds = periodBounds(this.now());
      if (this.current.dayKey !== bounds.dayKey || this.current.monthKey !== bounds.monthKey) {
        void this.recount();
        return;
      }
      const credits = record.cost.credits ?? 0;
      this.current.spend = {
        today: this.current.spend.today + (started >= bounds.dayStart && started < bounds.dayEnd ? credits : 0),
        month: this.current.spend.month + (started >= bounds.monthStart && started < bounds.monthEnd ? credits : 0),
      };
    });
  }

  static async start(ledger: SpendLedger, now: () => Date = () => new Date()): Promise<SpendTracker> {
    const tracker = new SpendTracker(ledger, now);
    await tracker.recount();
    return tracker;
  }

  /** As last counted; a new day or month starts from zero (and is recounted in the background). */
  spend(): Spend {
    const bounds = periodBounds(this.now());
    if (this.current.dayKey === bounds.dayKey && this.current.monthKey === bounds.monthKey) {
      return this.current.spend;
    }
    void this.recount();
    return { today: 0, month: this.current.monthKey === bounds.monthKey ? this.current.spend.month : 0 };
  }

  async recount(): Promise<Spend> {
    const bounds = periodBounds(this.now());
    const [today, month] = await Promise.all([
      this.ledger.totals({ since: bounds.dayStart, until: bounds.dayEnd }),
      this.ledger.totals({ since: bounds.monthStart, until: bounds.monthEnd }),
    ]);
    this.current = { spend: { today: today.credits, month: month.credits }, dayKey: bounds.dayKey, monthKey: bounds.monthKey };
    return this.current.spend;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
