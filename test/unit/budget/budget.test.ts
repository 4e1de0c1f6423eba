import { strict as assert } from 'node:assert';
import { budgetsCrossedBy, budgetsLeft, levelsReached, noticesDue } from '../../../src/core/budget/budget';
import { periodBounds } from '../../../src/core/budget/periods';

const noon = new Date(2026, 10, 25, 12, 0, 0);

describe('budgets', () => {
  it('flags a request whose high estimate would cross the daily or monthly budget', () => {
    const spend = { today: 9, month: 95 };
    assert.deepEqual(budgetsCrossedBy(spend, { daily: 10, monthly: 100 }, 0.5), []);
    assert.deepEqual(budgetsCrossedBy(spend, { daily: 10, monthly: 100 }, 1.5).map((b) => b.period), ['daily']);
    assert.deepEqual(budgetsCrossedBy(spend, { daily: 10, monthly: 100 }, 6).map((b) => [b.period, b.after]), [['daily', 15], ['monthly', 101]]);
    assert.deepEqual(budgetsCrossedBy(spend, { daily: null, monthly: null }, 1000), []);
  });

  it('treats landing exactly on the limit as within budget', () => {
    assert.deepEqual(budgetsCrossedBy({ today: 9, month: 0 }, { daily: 10, monthly: null }, 1), []);
  });

  it('reports what is left, never negative', () => {
    assert.deepEqual(budgetsLeft({ today: 12, month: 30 }, { daily: 10, monthly: 100 }).map((b) => [b.period, b.left, b.used]), [
      ['daily', 0, 1.2],
      ['monthly', 70, 0.3],
    ]);
  });

  it('reaches the 80 % and 100 % levels at their thresholds', () => {
    assert.deepEqual(levelsReached(7.99, 10), []);
    assert.deepEqual(levelsReached(8, 10), [80]);
    assert.deepEqual(levelsReached(10, 10), [80, 100]);
    assert.deepEqual(levelsReached(0, 0), []);
    assert.deepEqual(levelsReached(0.1, 0), [80, 100]);
  });

  it('announces each level once per period', () => {
    const limits = { daily: 10, monthly: null };
    const first = noticesDue(undefined, { today: 8.5, month: 8.5 }, limits, noon);
    assert.deepEqual(first.due.map((n) => [n.period, n.level]), [['daily', 80]]);
    const again = noticesDue(first.state, { today: 9, month: 9 }, limits, noon);
    assert.deepEqual(again.due, []);
    const full = noticesDue(again.state, { today: 10.2, month: 10.2 }, limits, noon);
    assert.deepEqual(full.due.map((n) => [n.period, n.level]), [['daily', 100]]);
    assert.deepEqual(noticesDue(full.state, { today: 11, month: 11 }, limits, noon).due, []);
  });

  it('shows only the 100 % notice when spend jumps past both levels', () => {
    const decision = noticesDue(undefined, { today: 3, month: 120 }, { daily: null, monthly: 100 }, noon);
    assert.deepEqual(decision.due.map((n) => [n.period, n.level]), [['monthly', 100]]);
    assert.deepEqual(decision.state.monthly, [80, 100]);
  });

  it('starts over on a new day but remembers the month', () => {
    const limits = { daily: 10, monthly: 100 };
    const today = noticesDue(undefined, { today: 9, month: 85 }, limits, noon);
    assert.deepEqual(today.due.map((n) => n.period), ['daily', 'monthly']);
    const tomorrow = new Date(2026, 10, 26, 9, 0, 0);
    const next = noticesDue(today.state, { today: 8, month: 93 }, limits, tomorrow);
    assert.deepEqual(next.due.map((n) => [n.period, n.level]), [['daily', 80]]);
    const nextMonth = noticesDue(next.state, { today: 8, month: 85 }, limits, new Date(2026, 11, 1, 9));
    assert.deepEqual(nextMonth.due.map((n) => [n.period, n.level]), [['daily', 80], ['monthly', 80]]);
  });
});

describe('budget periods', () => {
  it('uses local midnight and the 1st of the month', () => {
    const bounds = periodBounds(noon);
    assert.equal(bounds.dayKey, '2026-11-25');
    assert.equal(bounds.monthKey, '2026-11');
    assert.equal(bounds.dayStart.getTime(), new Date(2026, 10, 25).getTime());
    assert.equal(bounds.dayEnd.getTime(), new Date(2026, 10, 26).getTime());
    assert.equal(bounds.monthStart.getTime(), new Date(2026, 10, 1).getTime());
    assert.equal(bounds.monthEnd.getTime(), new Date(2026, 11, 1).getTime());
  });

  it('rolls over the year in December', () => {
    const bounds = periodBounds(new Date(2026, 11, 31, 23, 59));
    assert.equal(bounds.monthEnd.getTime(), new Date(2027, 0, 1).getTime());
    assert.equal(bounds.dayKey, '2026-12-31');
  });
});
