/**
 * Tasks in the history view: gateway rounds grouped under one row, expandable; the one-task filter
 * selects (and exports) exactly that task; the protocol still reads messages without tasks.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger, type UsageRecord } from '../../../src/core/ledger';
import { filterOf, ledgerFilterOf } from '../../../src/views/exportOptions';
import { ModelCodes, TaskCodes, toColumns } from '../../../src/views/historyColumns';
import { HistoryModel } from '../../../src/views/historyModel';
import { HistoryViewState, ToWebview } from '../../../src/protocol/history';
import { DEFAULT_FILTER, toLedgerFilter } from '../../../src/protocol/historyFilter';
import { HistoryRows } from '../../../src/webview/history/historyRows';
import { groupByTask, isTaskRow, sortRows, TASK_ROW } from '../../../src/webview/history/viewModel';
import { makeRecord } from '../../support/ledgerFixtures';

function gatewayRound(turnId: string, round: number, minute: number, overrides: Partial<UsageRecord> = {}): UsageRecord {
  const at = new Date(Date.UTC(2026, 2, 3, 10, minute)).toISOString();
  return makeRecord({
    id: `00000000-0000-4000-8000-${String(minute).padStart(6, '0')}${String(round).padStart(6, '0')}`,
    turnId, round, source: 'gateway', client: 'Cline', startedAt: at, finishedAt: at, firstTokenAt: at, ...overrides,
  }, minute);
}

/** Task A: three rounds (the second retried once); task B: one request; a Compose request between. */
const records: UsageRecord[] = [
  gatewayRound('task-a', 0, 1),
  gatewayRound('task-a', 1, 2),
  gatewayRound('task-a', 1, 3, { attempt: 1, outcome: { status: 'ok', latencyMs: 10, retries: 1 } }),
  makeRecord({ id: '00000000-0000-4000-8000-000000000099', source: 'compose', client: null, startedAt: new Date(Date.UTC(2026, 2, 3, 10, 4)).toISOString(), finishedAt: new Date(Date.UTC(2026, 2, 3, 10, 4)).toISOString(), firstTokenAt: null }, 99),
  gatewayRound('task-b', 0, 5, { client: 'claude-cli' }),
  gatewayRound('task-a', 2, 6),
];

function rowsOf(list: readonly UsageRecord[]): HistoryRows {
  const models = new ModelCodes();
  const tasks = new TaskCodes();
  const rows = new HistoryRows();
  rows.reset(0, [], toColumns(list, models, tasks), tasks.tasks);
  rows.models = [...models.names];
  return rows;
}

const all = (rows: HistoryRows) => Uint32Array.from({ length: rows.length }, (_value, index) => index);

describe('history view: tasks', () => {
  it('puts the rounds of a gateway task under one row that sums them, collapsed until opened', () => {
    const rows = rowsOf(records);
    assert.deepEqual(rows.tasks, [{ id: 'task-a', client: 'Cline' }, { id: 'task-b', client: 'claude-cli' }]);
    const sorted = sortRows(rows, all(rows), 'time', true);
    const collapsed = groupByTask(rows, sorted, new Set());
    // Newest first: task A (its latest round is the newest row), the single-request task B, the Compose request.
    assert.deepEqual(Array.from(collapsed.order), [TASK_ROW + 0, 4, 3]);
    const summary = collapsed.summaries.get(0);
    assert.ok(summary);
    assert.deepEqual(summary.members, [0, 1, 2, 5], 'by round, then attempt');
    assert.equal(summary.rounds, 3);
    assert.equal(summary.latest, 5);
    const sum = (pick: (record: UsageRecord) => number) => [0, 1, 2, 5].reduce((total, index) => total + pick(records[index]), 0);
    assert.equal(summary.inputTokens, sum((record) => record.tokens.input + record.tokens.cacheWrite));
    assert.ok(Math.abs((summary.charged ?? 0) - sum((record) => record.cost.credits ?? 0)) < 1e-9);
    assert.equal(collapsed.summaries.has(1), false, 'a task of one request is a plain row');

    const open = groupByTask(rows, sorted, new Set(['task-a']));
    assert.deepEqual(Array.from(open.order), [TASK_ROW + 0, 0, 1, 2, 5, 4, 3]);
    assert.ok(isTaskRow(open.order[0]) && !isTaskRow(open.order[1]));
  });

  it('sums only the rows the filter kept, and knows an unknown charge', () => {
    const rows = rowsOf([...records.slice(0, 2), gatewayRound('task-a', 2, 7, { cost: { usd: null, credits: null, chargeSource: 'computed', profileVersion: null } })]);
    const groups = groupByTask(rows, Uint32Array.from([0, 2]), new Set());
    assert.equal(groups.summaries.get(0)?.members.length, 2);
    assert.equal(groups.summaries.get(0)?.charged, null);
  });

  it('reads rows without a task column (older senders) as requests outside any task', () => {
    const { task: _task, ...columns } = toColumns(records, new ModelCodes());
    const rows = new HistoryRows();
    rows.reset(0, [], columns);
    assert.equal(rows.taskAt(0), null);
    assert.deepEqual(Array.from(groupByTask(rows, all(rows), new Set()).order), Array.from(all(rows)));
    const message = { type: 'append', generation: 0, startIndex: 0, models: [], columns };
    assert.equal(ToWebview.safeParse(message).success, true);
    assert.equal(ToWebview.safeParse({ ...message, tasks: [{ id: 'x', client: 'Cline' }], columns: { ...columns, task: columns.round.map(() => null) } }).success, true);
    assert.equal(ToWebview.safeParse({ ...message, columns: { ...columns, task: [0] } }).success, false, 'a short task column is refused');
    assert.equal(HistoryViewState.safeParse({ filter: DEFAULT_FILTER, sort: { column: 'time', descending: true }, scrollTop: 0, selected: null, detailsOpen: false, expanded: ['task-a'] }).success, true);
  });

  it('filters, and exports, exactly one task', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-history-tasks-'));
    try {
      const { ledger } = await Ledger.open(dir);
      for (const record of records) {
        await ledger.append(record);
      }
      const { model, columns } = await HistoryModel.load(ledger, 1);
      assert.deepEqual(model.tasks.map((task) => task.id), ['task-a', 'task-b']);
      assert.deepEqual(columns.task, [0, 0, 0, null, 1, 0]);
      const filter = { ...DEFAULT_FILTER, range: 'all' as const, task: 'task-a' };
      assert.deepEqual(toLedgerFilter(filter, Date.now()).turnId, 'task-a');
      const selection = await model.select(filter, Date.now());
      assert.equal(selection.totals.requests, 4);
      const exported = await ledger.query(ledgerFilterOf({ range: 'all', task: 'task-a' }, Date.now()));
      assert.deepEqual(exported.map((record) => record.round), [0, 1, 1, 2]);
      assert.equal(filterOf({ task: 'task-b' }).task, 'task-b');
      await ledger.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
