import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger, SEGMENTS_DIR, SNAPSHOT_FILE } from '../../../src/core/ledger';
import { ledgerNotesOf } from '../../../src/views/historyModel';
import { ToWebview } from '../../../src/protocol/history';
import { ledgerNoteLines } from '../../../src/webview/history/viewModel';
import { makeRecords, writeLedger } from '../../support/ledgerFixtures';

describe('history view: what the totals leave out of the ledger', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-history-notes-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('carries damaged, newer-schema and quarantined lines and a rebuilt index from the ledger to the summary note', async () => {
    const records = makeRecords(8, { seed: 91 });
    await writeLedger(dir, records.slice(0, 5));
    fs.writeFileSync(path.join(dir, SNAPSHOT_FILE), 'damaged');
    fs.writeFileSync(path.join(dir, SEGMENTS_DIR, '20260101T000000000Z-999999999-old.jsonl'), [
      JSON.stringify({ ...records[5], schemaVersion: 4 }), JSON.stringify({ ...records[6], schemaVersion: 5 }), JSON.stringify(records[7]), 'not json', '',
    ].join('\n'));
    // A reader leaves the bad line in place; the extension's ledger (a writer) moves it to quarantine.
    for (const [repair, expected] of [[false, { quarantined: 0, damaged: 1 }], [true, { quarantined: 1, damaged: 0 }]] as const) {
      const { ledger } = await Ledger.open(dir, { repair });
      const notes = ledgerNotesOf(await ledger.health());
      await ledger.close();
      assert.equal(notes.quarantined, expected.quarantined);
      assert.equal(notes.damaged, expected.damaged);
      assert.equal(notes.newerSchema, 2);
      if (!repair) {
        assert.match(notes.indexRebuilt ?? '', /index\.bin is not an index snapshot/);
      }
      const snapshot = { type: 'snapshot', generation: 0, models: [], columns: emptyColumns(), selection: emptySelection(), budget: { daily: null, monthly: null }, ledger: notes };
      assert.ok(ToWebview.safeParse(snapshot).success);
      const lines = ledgerNoteLines(notes);
      assert.ok(lines.some((line) => /2 record\(s\) from a newer Credit Meter, not counted/.test(line)), lines.join('\n'));
      assert.ok(lines.some((line) => (repair ? /1 unreadable line\(s\) set aside in quarantine/ : /1 unreadable ledger line\(s\) skipped/).test(line)), lines.join('\n'));
    }
  });

  it('says nothing when nothing is left out', () => {
    assert.deepEqual(ledgerNoteLines({ quarantined: 0, damaged: 0, newerSchema: 0, indexRebuilt: null }), []);
  });

  it('the snapshot message requires the note', () => {
    const snapshot = { type: 'snapshot', generation: 0, models: [], columns: emptyColumns(), selection: emptySelection(), budget: { daily: null, monthly: null } };
    assert.equal(ToWebview.safeParse(snapshot).success, false);
    assert.equal(ToWebview.safeParse({ ...snapshot, ledger: { quarantined: -1, damaged: 0, newerSchema: 0, indexRebuilt: null } }).success, false);
  });
});

function emptyColumns(): Record<string, number[]> {
  const names = ['startedAt', 'model', 'kind', 'status', 'inputTokens', 'cachedTokens', 'outputTokens', 'estimated', 'estimateLow', 'estimateHigh', 'charged', 'usd', 'latencyMs', 'retries', 'round'];
  return Object.fromEntries(names.map((name) => [name, []]));
}

function emptySelection(): unknown {
  const totals = { requests: 0, credits: 0, usd: 0, unpricedRequests: 0, inputTokens: 0, cacheReadTokens: 0, outputTokens: 0, accuracy: { samples: 0, medianAbsPctError: null, withinRangeShare: null } };
  return { generation: 0, rowCount: 0, matches: '', totals, periods: { today: totals, week: totals, month: totals } };
}
