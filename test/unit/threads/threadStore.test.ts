import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EMPTY_CACHE_STATE, contentHash } from '../../../src/core/cache';
import {
  InvalidThreadFileError,
  NewerThreadFormatError,
  THREAD_FORMAT_VERSION,
  type NewTurn,
  ThreadStore,
  folderThreadStorage,
  memoryThreadStorage,
  migrateThreadDocument,
  parseThreadFile,
} from '../../../src/core/threads';

const estimate = { low: 0.3, expected: 0.5, high: 0.9, inputTokens: 5000, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 4800 };
const SECRET_PROMPT = 'Why does parseConfig drop the port?';
const SECRET_CONTEXT = 'export function parseConfig(raw) { return { host: raw.host }; }';
const SECRET_ANSWER = 'Because it never copies raw.port.';

function turn(turnId: string, overrides: Partial<NewTurn> = {}): NewTurn {
  return {
    turnId,
    startedAt: new Date('2026-03-12T14:00:00.000Z'),
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    prompt: SECRET_PROMPT,
    contexts: [{ kind: 'file', label: 'src/config.ts:1-3', text: SECRET_CONTEXT, tokens: 20 }],
    estimate,
    recordIds: ['rec-1'],
    ...overrides,
  };
}

function clock(start = Date.UTC(2026, 2, 12, 14, 0, 0)) {
  let now = start;
  return { now: () => new Date((now += 1000)) };
}

function ids() {
  let next = 0;
  return () => `thread-${++next}`;
}

describe('thread store', () => {
  it('creates, lists (newest first), renames and deletes threads, and keeps them across a reopen', async () => {
    const storage = memoryThreadStorage();
    const { store, report } = await ThreadStore.open(storage, { storeText: true, ...clock(), newId: ids() });
    assert.deepEqual(report, { threads: 0, migrated: 0, corrupt: [], newer: [] });
    const a = await store.create();
    const b = await store.create('Parser work');
    assert.deepEqual(store.list().map((thread) => [thread.id, thread.title, thread.autoTitle]), [['thread-2', 'Parser work', false], ['thread-1', 'New thread', true]]);
    await store.rename(a.id, '  Config bug ');
    assert.deepEqual(store.list().map((thread) => thread.title), ['Config bug', 'Parser work']);
    await assert.rejects(store.rename(a.id, '   '), /cannot be empty/);
    await store.delete(b.id);
    assert.deepEqual([...storage.files.keys()], ['thread-1.json']);
    const reopened = await ThreadStore.open(storage, { storeText: true });
    assert.deepEqual(reopened.store.list().map((thread) => thread.title), ['Config bug']);
    await assert.rejects(store.delete('nope'), /no thread 'nope'/);
  });

  it('appends turns, fills them in when the answer arrives, and totals the thread\'s cost', async () => {
    const storage = memoryThreadStorage();
    const { store } = await ThreadStore.open(storage, { storeText: true, ...clock(), newId: ids() });
    const thread = await store.create();
    await store.appendTurn(thread.id, turn('turn-1'));
    await store.updateTurn(thread.id, 'turn-1', { status: 'ok', answer: SECRET_ANSWER, recordIds: ['rec-1', 'rec-2'], charge: { credits: 0.6, usd: 0.024 } });
    await store.appendTurn(thread.id, turn('turn-2', { prompt: 'And the host?', contexts: [] }));
    await store.updateTurn(thread.id, 'turn-2', { status: 'error', charge: null });
    await assert.rejects(store.appendTurn(thread.id, turn('turn-2')), /already has turn 'turn-2'/);
    await assert.rejects(store.updateTurn(thread.id, 'turn-9', { status: 'ok' }), /has no turn 'turn-9'/);

    const saved = store.get(thread.id);
    assert.deepEqual(saved?.turns[0].recordIds, ['rec-1', 'rec-2']);
    assert.equal(saved?.turns[0].contexts[0].hash, contentHash(SECRET_CONTEXT));
    assert.deepEqual(store.cost(thread.id), { credits: 0.6, usd: 0.024, chargedTurns: 1, unchargedTurns: 1, estimatedCredits: 1, appliedBlocks: 0 });
    const [summary] = store.list();
    assert.equal(summary.title, SECRET_PROMPT, 'an automatic title follows the first prompt');
    assert.equal(summary.turns, 2);

    const onDisk = parseThreadFile(storage.files.get(`${thread.id}.json`) as string).thread;
    assert.deepEqual(onDisk, saved, 'the file holds exactly what the store holds');
  });

  it('with storePrompts off, files keep only the metering; this session keeps the texts in memory', async () => {
    const storage = memoryThreadStorage();
    const { store } = await ThreadStore.open(storage, { storeText: false, ...clock(), newId: ids() });
    const thread = await store.create();
    await store.appendTurn(thread.id, turn('turn-1'));
    await store.updateTurn(thread.id, 'turn-1', { status: 'ok', answer: SECRET_ANSWER, charge: { credits: 0.6, usd: 0.024 } });
    const file = storage.files.get(`${thread.id}.json`) as string;
    for (const secret of [SECRET_PROMPT, SECRET_CONTEXT, SECRET_ANSWER]) {
      assert.ok(!file.includes(secret), `the file does not contain '${secret}'`);
    }
    assert.ok(file.includes('src/config.ts:1-3') && file.includes(contentHash(SECRET_CONTEXT)) && file.includes('0.024'), 'labels, hashes and charges stay');
    assert.equal(store.get(thread.id)?.turns[0].prompt, SECRET_PROMPT, 'still in memory for follow-ups');
    assert.equal(store.list()[0].historyAvailable, true);

    const reopened = (await ThreadStore.open(storage, { storeText: false })).store;
    const [summary] = reopened.list();
    assert.equal(summary.title, 'New thread', 'no title made from a prompt that is not kept');
    assert.equal(summary.historyAvailable, false);
    assert.deepEqual(summary.cost, { credits: 0.6, usd: 0.024, chargedTurns: 1, unchargedTurns: 0, estimatedCredits: 0.5, appliedBlocks: 0 });
  });

  it('turning storePrompts off rewrites the files that still hold texts', async () => {
    const storage = memoryThreadStorage();
    const { store } = await ThreadStore.open(storage, { storeText: true, ...clock(), newId: ids() });
    const thread = await store.create();
    await store.appendTurn(thread.id, turn('turn-1'));
    assert.ok((storage.files.get(`${thread.id}.json`) as string).includes(SECRET_PROMPT));
    await store.setStoreText(false);
    assert.ok(!(storage.files.get(`${thread.id}.json`) as string).includes(SECRET_PROMPT));
    // A store opened later finds the texts on disk and scrubs them when told.
    const again = memoryThreadStorage(Object.fromEntries(storage.files));
    const textual = (await ThreadStore.open(again, { storeText: true })).store;
    await textual.appendTurn(thread.id, turn('turn-2'));
    const opened = (await ThreadStore.open(again, { storeText: true })).store;
    await opened.setStoreText(false);
    assert.ok(!(again.files.get(`${thread.id}.json`) as string).includes(SECRET_PROMPT));
  });

  it('reports a corrupt file with the reason and loads every other thread; the file is left as it was', async () => {
    const storage = memoryThreadStorage();
    const { store } = await ThreadStore.open(storage, { storeText: true, ...clock(), newId: ids() });
    const good = await store.create('Good');
    const valid = JSON.parse(storage.files.get(`${good.id}.json`) as string);
    storage.files.set('broken.json', '{"formatVersion": 1, "id": "broken", ');
    storage.files.set('bad-field.json', JSON.stringify({ ...valid, id: 'bad-field', turns: [{ turnId: '' }] }));
    storage.files.set('renamed.json', JSON.stringify({ ...valid, id: 'other' }));
    storage.files.set('future.json', JSON.stringify({ ...valid, id: 'future', formatVersion: THREAD_FORMAT_VERSION + 1 }));
    storage.files.set('notes.txt', 'not a thread');
    storage.files.set('.thread-1.json.1a2b.tmp', 'half a write');

    const { store: reopened, report } = await ThreadStore.open(storage, { storeText: true });
    assert.deepEqual(reopened.list().map((thread) => thread.title), ['Good']);
    assert.deepEqual(report.newer, ['future.json']);
    assert.deepEqual(report.corrupt.map((entry) => entry.file), ['bad-field.json', 'broken.json', 'renamed.json']);
    assert.match(report.corrupt[0].reason, /^turns\[0\]\.turnId: /);
    assert.match(report.corrupt[1].reason, /^invalid JSON/);
    assert.equal(report.corrupt[2].reason, "id: 'other' does not match the file name");
    assert.equal(storage.files.get('broken.json'), '{"formatVersion": 1, "id": "broken", ', 'never rewritten or removed');
  });

  it('keeps the prompt-cache state with the thread', async () => {
    const storage = memoryThreadStorage();
    const { store } = await ThreadStore.open(storage, { storeText: false, ...clock(), newId: ids() });
    const thread = await store.create();
    const cache = {
      ...EMPTY_CACHE_STATE,
      entries: [{ rules: 'anthropic' as const, model: 'claude-sonnet-4-5', key: 'abcdef0123456789', tokens: 4096, ttl: '5m' as const, usedAt: 1, expiresAt: 300_001 }],
      last: { model: 'claude-sonnet-4-5', at: 1, keys: ['abcdef0123456789'], cachedBlocks: 1 },
    };
    await store.setCacheState(thread.id, cache);
    const reopened = (await ThreadStore.open(storage, { storeText: false })).store;
    assert.deepEqual(reopened.get(thread.id)?.cache, cache);
  });

  it('serialises writes, so the file holds the last change once its promise resolves', async () => {
    const storage = memoryThreadStorage();
    const { store } = await ThreadStore.open(storage, { storeText: true, ...clock(), newId: ids() });
    const thread = await store.create();
    await Promise.all([1, 2, 3, 4, 5].map((n) => store.appendTurn(thread.id, turn(`turn-${n}`))));
    const onDisk = parseThreadFile(storage.files.get(`${thread.id}.json`) as string).thread;
    assert.deepEqual(onDisk.turns.map((t) => t.turnId), ['turn-1', 'turn-2', 'turn-3', 'turn-4', 'turn-5']);
  });

  it('a failed write rejects the change\'s promise and the next write still lands', async () => {
    const storage = memoryThreadStorage();
    let fail = false;
    const flaky = { ...storage, write: async (name: string, content: string) => {
      if (fail) {
        throw new Error('disk full');
      }
      await storage.write(name, content);
    } };
    const { store } = await ThreadStore.open(flaky, { storeText: true, ...clock(), newId: ids() });
    const thread = await store.create();
    fail = true;
    await assert.rejects(store.rename(thread.id, 'Lost?'), /disk full/);
    fail = false;
    await store.appendTurn(thread.id, turn('turn-1'));
    const onDisk = parseThreadFile(storage.files.get(`${thread.id}.json`) as string).thread;
    assert.equal(onDisk.title, 'Lost?', 'the rename reached the disk with the next write');
  });

  it('stores threads as files in a folder, created on the first write', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cm-threads-')), 'threads');
    try {
      const storage = folderThreadStorage(dir);
      assert.deepEqual(await storage.list(), []);
      const { store } = await ThreadStore.open(storage, { storeText: true, newId: ids() });
      const thread = await store.create('On disk');
      assert.deepEqual(fs.readdirSync(dir), ['thread-1.json']);
      await store.appendTurn(thread.id, turn('turn-1'));
      const reopened = (await ThreadStore.open(folderThreadStorage(dir), { storeText: true })).store;
      assert.equal(reopened.get(thread.id)?.turns[0].prompt, SECRET_PROMPT);
      await reopened.delete(thread.id);
      assert.deepEqual(fs.readdirSync(dir), []);
    } finally {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});

describe('thread file format', () => {
  const current = { formatVersion: THREAD_FORMAT_VERSION, id: 't', title: 'x', autoTitle: false, createdAt: '2026-03-12T14:00:00.000Z', updatedAt: '2026-03-12T14:00:00.000Z', turns: [], cache: null };
  /** A turn as version 1 wrote it: no `appliedBlocks`. */
  const v1Turn = {
    turnId: 'turn-1', recordIds: ['rec-1'], startedAt: '2026-03-12T14:00:00.000Z', provider: 'anthropic', model: 'claude-sonnet-4-5', status: 'ok',
    prompt: 'Why?', contexts: [], answer: 'Because.', estimate: null, charge: { credits: 0.3, usd: 0.012 },
  };
  const v1 = { ...current, formatVersion: 1, turns: [v1Turn] };

  it('migrates a version 1 file: every turn has applied no blocks yet, charges untouched', () => {
    const { thread, migrated } = parseThreadFile(JSON.stringify(v1));
    assert.equal(migrated, true);
    assert.equal(thread.formatVersion, THREAD_FORMAT_VERSION);
    assert.equal(thread.turns[0].appliedBlocks, 0);
    assert.deepEqual(thread.turns[0].charge, v1Turn.charge);
    assert.equal(thread.turns[0].answer, 'Because.');
  });

  it('rewrites a migrated file in the current format on its next change, and counts applied blocks', async () => {
    const storage = memoryThreadStorage({ 't.json': JSON.stringify(v1) });
    const { store, report } = await ThreadStore.open(storage, { storeText: false });
    assert.equal(report.migrated, 1);
    assert.equal(JSON.parse(storage.files.get('t.json') as string).formatVersion, 1, 'not rewritten by opening');
    await store.noteApplied('t', 'turn-1');
    await store.noteApplied('t', 'turn-1', 2);
    const written = JSON.parse(storage.files.get('t.json') as string) as { formatVersion: number; turns: { appliedBlocks: number; prompt: unknown }[] };
    assert.equal(written.formatVersion, THREAD_FORMAT_VERSION);
    assert.equal(written.turns[0].appliedBlocks, 3);
    assert.equal(written.turns[0].prompt, null, 'texts are not kept: the count is metering, the text is not');
    assert.equal(store.cost('t').appliedBlocks, 3);
    assert.equal(store.findTurn('turn-1')?.thread.id, 't');
    await assert.rejects(store.noteApplied('t', 'turn-1', 0), RangeError);
    await assert.rejects(store.noteApplied('t', 'nope'), /no turn/);
  });

  it('reads the current version, with or without a byte-order mark', () => {
    assert.equal(parseThreadFile(JSON.stringify(current)).migrated, false);
    assert.equal(parseThreadFile('\ufeff' + JSON.stringify(current)).thread.id, 't');
  });

  it('migrates step by step through the chain, and refuses a gap or a newer version', () => {
    // A chain with made-up steps (v1 -> v2 -> v3): the runner, apart from the real steps.
    const steps = {
      1: (raw: Record<string, unknown>) => ({ ...raw, formatVersion: 2, renamed: raw.title }),
      2: (raw: Record<string, unknown>) => ({ ...raw, formatVersion: 3, pinned: false }),
    };
    const first = { ...current, formatVersion: 1 };
    const { document, migrated } = migrateThreadDocument(first, steps, 3);
    assert.equal(migrated, true);
    assert.deepEqual([document.formatVersion, document.renamed, document.pinned], [3, 'x', false]);
    assert.throws(() => migrateThreadDocument(first, { 2: steps[2] }, 3), /no migration from 1/);
    assert.throws(() => migrateThreadDocument(first, { 1: (raw) => ({ ...raw, formatVersion: 7 }) }, 2), /did not produce 2/);
    assert.throws(() => migrateThreadDocument({ ...current, formatVersion: 4 }, steps, 3), NewerThreadFormatError);
    assert.throws(() => migrateThreadDocument({ ...current, formatVersion: 0 }, steps, 3), InvalidThreadFileError);
    assert.throws(() => migrateThreadDocument([], steps, 3), /not a JSON object/);
  });
});
