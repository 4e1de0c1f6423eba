/**
 * Lifecycle with the real ledger in a temp folder: a failed open is tried again on the next use (and
 * reported once per run of failures), disposal goes on past a throwing disposable and hands back what
 * threw, and a throwing ledger listener is reported without undoing the append or silencing the others.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger } from '../../../src/core/ledger/ledger';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import { RetryingOpen, disposeAll } from '../../../src/core/lifecycle';
import { makeRecord } from '../../support/ledgerFixtures';

describe('lifecycle', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-lifecycle-'));
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('a ledger open that failed', () => {
    it('is tried again on the next use, reported once until it opens', async () => {
      // A file where the ledger folder should be: opening fails (ENOTDIR / EEXIST) until it is gone.
      const dir = path.join(root, 'ledger');
      fs.writeFileSync(dir, 'not a folder');
      const failures: boolean[] = [];
      const ledger = new RetryingOpen({ open: async () => (await Ledger.open(dir)).ledger, onFailure: (_error, first) => failures.push(first) });

      await assert.rejects(ledger.get());
      await assert.rejects(ledger.get(), 'the failure is not kept: a second use opens again, and fails again');
      assert.deepEqual(failures, [true, false], 'the user is told once');
      assert.equal(ledger.current, undefined);

      fs.rmSync(dir);
      const opened = await ledger.get();
      await opened.append(makeRecord());
      assert.equal(opened.size, 1);
      assert.equal(ledger.current, opened);
      assert.equal(await ledger.get(), opened, 'once open, the same ledger');
      assert.deepEqual(failures, [true, false]);
      await ledger.close((value) => value.close());
    });

    it('after a success, a new failure is reported again', async () => {
      const dir = path.join(root, 'ledger');
      const failures: boolean[] = [];
      const ledger = new RetryingOpen({ open: async () => (await Ledger.open(dir)).ledger, onFailure: (_error, first) => failures.push(first) });
      await ledger.get();
      await ledger.close((value) => value.close());
      fs.rmSync(dir, { recursive: true });
      fs.writeFileSync(dir, 'not a folder');
      await assert.rejects(ledger.get());
      assert.deepEqual(failures, [true]);
    });

    it('opens once for callers that ask at the same time, and close waits for that open', async () => {
      let opens = 0;
      const dir = path.join(root, 'ledger');
      const ledger = new RetryingOpen({ open: async () => { opens += 1; return (await Ledger.open(dir)).ledger; } });
      const [a, b] = await Promise.all([ledger.get(), ledger.get()]);
      assert.equal(a, b);
      assert.equal(opens, 1);

      const reopening = ledger.get();
      let closed: Ledger | undefined;
      await ledger.close(async (value) => { closed = value; await value.close(); });
      assert.equal(closed, await reopening);
      await assert.rejects(a.append(makeRecord()), 'the closed ledger takes no more records');
      const again = await ledger.get();
      assert.notEqual(again, a, 'a use after close opens it again');
      await again.close();
    });
  });

  describe('disposal', () => {
    it('disposes everything even when some throw, and returns what threw in order', async () => {
      const { ledger } = await Ledger.open(path.join(root, 'ledger'));
      const heard: string[] = [];
      const first = ledger.onDidAppend((record) => heard.push(`first ${record.id}`));
      const last = ledger.onDidAppend((record) => heard.push(`last ${record.id}`));
      const errors = disposeAll([
        first,
        { dispose: () => { throw new Error('view A failed'); } },
        { dispose: () => { throw new Error('view B failed'); } },
        last,
      ]);
      assert.deepEqual(errors.map((error) => (error as Error).message), ['view A failed', 'view B failed']);
      await ledger.append(makeRecord());
      assert.deepEqual(heard, [], 'the listeners before and after the throwing ones were both disposed');
      await ledger.close();
    });

    it('keeps the failure of an async dispose', async () => {
      const errors = disposeAll([{ dispose: () => Promise.reject(new Error('late')) }]);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(errors.map((error) => (error as Error).message), ['late']);
    });
  });

  describe('ledger listeners', () => {
    it('report a listener that throws, keep the append, and still tell the others', async () => {
      const reported: { message: string; event: string }[] = [];
      const { ledger } = await Ledger.open(path.join(root, 'ledger'), {
        onListenerError: (error, event) => reported.push({ message: (error as Error).message, event }),
      });
      const heard: UsageRecord[] = [];
      ledger.onDidAppend(() => { throw new Error('the status bar failed'); });
      ledger.onDidAppend((record) => heard.push(record));
      const record = makeRecord();
      await ledger.append(record);
      assert.deepEqual(heard.map((item) => item.id), [record.id]);
      assert.deepEqual(reported, [{ message: 'the status bar failed', event: 'append' }]);
      await ledger.close();
      const { ledger: reopened } = await Ledger.open(path.join(root, 'ledger'));
      assert.equal((await reopened.get(record.id))?.id, record.id, 'the record is on disk');
      await reopened.close();
    });

    it('go to console.error when no reporter is given: never silent', async () => {
      const { ledger } = await Ledger.open(path.join(root, 'ledger'));
      ledger.onDidAppend(() => { throw new Error('unheard'); });
      const original = console.error;
      const logged: unknown[][] = [];
      console.error = (...args: unknown[]) => { logged.push(args); };
      try {
        await ledger.append(makeRecord());
      } finally {
        console.error = original;
      }
      assert.equal(logged.length, 1);
      assert.match(String(logged[0][0]), /ledger append listener failed/);
      assert.equal((logged[0][1] as Error).message, 'unheard');
      await ledger.close();
    });
  });
});
