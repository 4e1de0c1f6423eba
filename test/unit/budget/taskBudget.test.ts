import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpendTracker } from '../../../src/core/budget/spendTracker';
import { budgetBreaches, refusalMessage } from '../../../src/core/budget/taskBudget';
import { Ledger } from '../../../src/core/ledger';
import { makeRecords } from '../../support/ledgerFixtures';

describe('budgets that stop a request', () => {
  const limits = { daily: 5, monthly: 100, perTask: 3 };

  it('lists each budget the high estimate would cross, the task cap included', () => {
    assert.deepEqual(budgetBreaches({ today: 1, month: 10 }, 0.5, limits, 2), []);
    assert.deepEqual(budgetBreaches({ today: 1, month: 10 }, 2, limits, 1.5), [{ scope: 'task', limit: 3, spent: 2, after: 3.5 }]);
    assert.deepEqual(budgetBreaches({ today: 4, month: 99 }, 0, limits, 2).map((breach) => breach.scope), ['daily', 'monthly']);
    assert.deepEqual(budgetBreaches({ today: 4, month: 99 }, 0, { daily: null, monthly: null, perTask: null }, 1000), []);
  });

  it('names the estimate, the budget and what to change', () => {
    const daily = refusalMessage(budgetBreaches({ today: 4.2, month: 10 }, 0, limits, 2.5), { expected: 1.1, high: 2.5 });
    assert.equal(daily, 'Credit Meter refused this request: it may cost up to 2.5 cr (expected 1.1 cr) and the daily budget has 0.8 of 5.0 cr left. Raise creditMeter.budget.daily, or wait for the next day.');
    const task = refusalMessage(budgetBreaches({ today: 0, month: 0 }, 2.9, limits, 0.4), { expected: 0.2, high: 0.4 });
    assert.match(task, /the per-task cap has 0\.1 of 3\.0 cr left\. Raise creditMeter\.budget\.perTask, or start a new task\.$/);
  });
});

describe('spend tracker', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-spend-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sums today and this month from the ledger, then follows appends', async () => {
    const { ledger } = await Ledger.open(dir);
    const now = new Date();
    const [today, lastYear] = makeRecords(2, { seed: 3, startDate: now, days: 0, errorRate: 0, cancelRate: 0 });
    await ledger.append(today);
    await ledger.append({ ...lastYear, startedAt: new Date(now.getFullYear() - 1, 0, 1).toISOString(), finishedAt: new Date(now.getFullYear() - 1, 0, 1).toISOString(), firstTokenAt: null });
    const tracker = await SpendTracker.start(ledger);
    assert.equal(tracker.spend().today, today.cost.credits);
    const [more] = makeRecords(1, { seed: 9, startDate: now, days: 0, errorRate: 0, cancelRate: 0 });
    await ledger.append(more);
    assert.equal(Number(tracker.spend().today.toFixed(6)), Number(((today.cost.credits ?? 0) + (more.cost.credits ?? 0)).toFixed(6)));
    tracker.dispose();
    await ledger.close();
  });
});
