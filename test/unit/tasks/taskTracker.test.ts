import { strict as assert } from 'node:assert';
import {
  TASK_IDLE_MS, type TaskRequest, type TaskSnapshot, TaskTracker, clientLabel, identifyClient, messageFingerprints, taskStatusText,
} from '../../../src/core/tasks';

function tracker(options: { idleMs?: number; maxOpen?: number } = {}): TaskTracker {
  let n = 0;
  return new TaskTracker({ ...options, newId: () => `task-${++n}` });
}

/** Claude Code style rounds: the cache marker moves to the newest message, thinking is dropped later. */
function claudeRound(round: number): unknown {
  const messages: unknown[] = [{ role: 'user', content: [{ type: 'text', text: 'Fix the failing test in parser.ts' }] }];
  for (let i = 0; i < round; i++) {
    messages.push({
      role: 'assistant',
      content: [
        ...(i === round - 1 ? [{ type: 'thinking', thinking: `thought ${i}`, signature: 'sig' }] : []),
        { type: 'tool_use', id: `toolu_${i}`, name: 'Read', input: { path: `f${i}.ts` } },
      ],
    });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: `contents ${i}` }] });
  }
  const last = messages[messages.length - 1] as { content: { cache_control?: unknown }[] };
  last.content[last.content.length - 1].cache_control = { type: 'ephemeral' };
  return { model: 'claude-sonnet-4-5', max_tokens: 1024, system: `today is day ${round}`, messages };
}

function request(body: unknown, format: 'openai' | 'anthropic' | 'responses', at: number, client = 'claude-cli', extra: Partial<TaskRequest> = {}): TaskRequest {
  return { client, fingerprints: messageFingerprints(format, body), model: 'm', at, ...extra };
}

describe('tasks', () => {
  it('files consecutive agent rounds under one task despite moving cache markers, dropped thinking and a new system prompt', () => {
    const tasks = tracker();
    const assigned = [0, 1, 2, 3].map((round) => tasks.assign(request(claudeRound(round), 'anthropic', 1000 * round)));
    assert.deepEqual(assigned.map((a) => [a.taskId, a.round, a.attempt, a.started]), [
      ['task-1', 0, 0, true], ['task-1', 1, 0, false], ['task-1', 2, 0, false], ['task-1', 3, 0, false],
    ]);
  });

  it('starts a new task for a conversation that does not extend an open one', () => {
    const tasks = tracker();
    tasks.assign(request(claudeRound(2), 'anthropic', 0));
    const other = tasks.assign(request({ messages: [{ role: 'user', content: 'Write a haiku' }] }, 'anthropic', 10));
    assert.equal(other.taskId, 'task-2');
    assert.equal(other.started, true);
    // Shorter than the task's latest request: an edit of an earlier message, so a new task.
    const fork = tasks.assign(request(claudeRound(1), 'anthropic', 20));
    assert.equal(fork.taskId, 'task-3');
  });

  it('counts a resend of the same messages as another attempt of the same round', () => {
    const tasks = tracker();
    tasks.assign(request(claudeRound(0), 'anthropic', 0));
    tasks.assign(request(claudeRound(1), 'anthropic', 1));
    const retry = tasks.assign(request(claudeRound(1), 'anthropic', 2));
    assert.deepEqual([retry.taskId, retry.round, retry.attempt], ['task-1', 1, 1]);
    const next = tasks.assign(request(claudeRound(2), 'anthropic', 3));
    assert.deepEqual([next.round, next.attempt], [2, 0]);
  });

  it('keeps clients and sessions apart', () => {
    const tasks = tracker();
    const body = { messages: [{ role: 'user', content: 'same words' }] };
    const longer = { messages: [...body.messages, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'more' }] };
    const a = tasks.assign(request(body, 'openai', 0, 'Cline'));
    assert.equal(tasks.assign(request(longer, 'openai', 1, 'Roo-Code')).started, true, 'another client never continues it');
    assert.equal(tasks.assign(request(longer, 'openai', 2, 'Cline', { session: 's2' })).started, true, 'nor another session');
    const continued = tasks.assign(request(longer, 'openai', 3, 'Cline'));
    assert.equal(continued.taskId, a.taskId);
  });

  it('picks the task with the longest matching history', () => {
    const tasks = tracker();
    const one = { messages: [{ role: 'user', content: 'start' }] };
    const three = { messages: [...one.messages, { role: 'assistant', content: 'a' }, { role: 'user', content: 'b' }] };
    const five = { messages: [...three.messages, { role: 'assistant', content: 'c' }, { role: 'user', content: 'd' }] };
    const first = tasks.assign(request(one, 'openai', 0));
    assert.equal(tasks.assign(request(three, 'openai', 1)).taskId, first.taskId);
    // The same opening sent again on its own: shorter than the task, so a task of its own.
    const restart = tasks.assign(request(one, 'openai', 2));
    assert.notEqual(restart.taskId, first.taskId);
    // Both tasks are a prefix of this one; the longer history (three messages) wins over the newer one.
    assert.deepEqual([tasks.assign(request(five, 'openai', 3)).taskId, tasks.snapshot(first.taskId)?.rounds], [first.taskId, 3]);
  });

  it('treats a string content and the same text part alike, and ignores system messages', () => {
    const asString = { messages: [{ role: 'system', content: 'v1' }, { role: 'user', content: 'hello' }] };
    const asParts = { messages: [{ role: 'developer', content: 'v2' }, { role: 'user', content: [{ type: 'text', text: 'hello', cache_control: { type: 'ephemeral' } }] }] };
    assert.deepEqual(messageFingerprints('openai', asString), messageFingerprints('openai', asParts));
    assert.notDeepEqual(messageFingerprints('openai', asString), messageFingerprints('openai', { messages: [{ role: 'user', content: 'hello!' }] }));
  });

  it('links Responses requests by previous_response_id, and by their resent input', () => {
    const tasks = tracker();
    const first = tasks.assign(request({ input: 'Add a docstring to parse()' }, 'responses', 0, 'Codex'));
    const reservation = tasks.reserve(first.taskId, 0.5);
    tasks.settle(first.taskId, reservation, { credits: 0.3, responseId: 'resp_1', at: 1 });
    const linked = tasks.assign(request({ input: [{ type: 'function_call_output', call_id: 'c1', output: 'ok' }] }, 'responses', 2, 'Codex', { previousResponseId: 'resp_1' }));
    assert.deepEqual([linked.taskId, linked.round], [first.taskId, 1]);
    // Codex resends the whole input (store: false): reasoning items aside, it extends the task.
    const full = {
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Add a docstring to parse()' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'xyz' },
        { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'shell', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      ],
    };
    const other = tracker();
    const start = other.assign(request({ input: 'Add a docstring to parse()' }, 'responses', 0, 'Codex'));
    assert.equal(other.assign(request(full, 'responses', 1, 'Codex')).taskId, start.taskId);
  });

  it('sums charges, holds in-flight estimates against the task, and reports changes', () => {
    const tasks = tracker();
    const seen: TaskSnapshot[] = [];
    tasks.onDidChange((snapshot) => seen.push(snapshot));
    const { taskId } = tasks.assign(request(claudeRound(0), 'anthropic', 0));
    const a = tasks.reserve(taskId, 2);
    const b = tasks.reserve(taskId, 3);
    assert.equal(tasks.committed(taskId), 5);
    assert.equal(tasks.snapshot(taskId)?.inFlight, 2);
    tasks.settle(taskId, a, { credits: 0.4, at: 5 });
    assert.equal(tasks.committed(taskId), 3.4);
    tasks.settle(taskId, b, { credits: 0.6, at: 6 });
    assert.equal(tasks.committed(taskId), 1);
    assert.equal(taskStatusText(tasks.snapshot(taskId) as TaskSnapshot), 'Claude Code · round 1 · 1.0 cr');
    tasks.settle(taskId, undefined, { credits: null, at: 7 });
    assert.equal(tasks.snapshot(taskId)?.credits, null, 'a round without a price makes the total unknown');
    assert.ok(seen.length >= 5 && seen.every((snapshot) => snapshot.taskId === taskId));
  });

  it('closes idle tasks, never one with a request in flight, and starts afresh after', () => {
    const tasks = tracker();
    const { taskId } = tasks.assign(request(claudeRound(0), 'anthropic', 0));
    const held = tasks.reserve(taskId, 1);
    assert.deepEqual(tasks.closeIdle(TASK_IDLE_MS + 10), [], 'a streaming request keeps the task open');
    tasks.settle(taskId, held, { credits: 0.1, at: 10 });
    assert.equal(tasks.latest(TASK_IDLE_MS)?.taskId, taskId);
    assert.equal(tasks.latest(TASK_IDLE_MS + 11), undefined);
    const later = tasks.assign(request(claudeRound(1), 'anthropic', TASK_IDLE_MS + 20));
    assert.equal(later.started, true);
    assert.notEqual(later.taskId, taskId);
  });

  it('closes the least recently active task beyond the open limit', () => {
    const tasks = tracker({ maxOpen: 2 });
    const first = tasks.assign(request({ messages: [{ role: 'user', content: '1' }] }, 'openai', 0));
    tasks.assign(request({ messages: [{ role: 'user', content: '2' }] }, 'openai', 1));
    tasks.assign(request({ messages: [{ role: 'user', content: '3' }] }, 'openai', 2));
    assert.equal(tasks.snapshot(first.taskId), undefined);
  });
});

describe('client names', () => {
  it('names assistants from the User-Agent, app before SDK, then X-Title, then the product token', () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'user-agent': 'claude-cli/1.0.83 (external, cli)' }, 'claude-cli'],
      [{ 'user-agent': 'RooCode/3.25.0' }, 'Roo-Code'],
      [{ 'user-agent': 'OpenAI/JS 5.12.2', 'x-title': 'Roo Code' }, 'Roo-Code'],
      [{ 'user-agent': 'OpenAI/JS 4.96.0', 'x-title': 'Cline' }, 'Cline'],
      [{ 'user-agent': 'Cline/3.20.0' }, 'Cline'],
      [{ 'user-agent': 'codex_cli_rs/0.31.0 (Linux 6.8; x86_64) xterm' }, 'Codex'],
      [{ 'user-agent': 'litellm/1.74.0' }, 'litellm'],
      [{ 'user-agent': 'OpenAI/JS 6.49.0' }, 'openai-node'],
      [{ 'user-agent': 'OpenAI/Python 1.99.1' }, 'openai-python'],
      [{ 'user-agent': 'Anthropic/JS 1.14.0' }, 'anthropic-sdk-js'],
      [{ 'user-agent': 'Anthropic/Python 0.64.0' }, 'anthropic-sdk-python'],
      [{ 'user-agent': 'curl/8.5.0' }, 'curl'],
      [{ 'user-agent': '(weird)' }, 'unknown'],
      [{}, 'unknown'],
    ];
    for (const [headers, name] of cases) {
      assert.equal(identifyClient(headers).name, name, JSON.stringify(headers));
    }
  });

  it('keeps the session an assistant names, and labels known clients', () => {
    assert.equal(identifyClient({ 'user-agent': 'claude-cli/1.0', 'x-claude-code-session-id': 'abc' }).session, 'abc');
    assert.equal(identifyClient({ 'user-agent': 'Cline/3', 'x-task-id': 't1' }).session, 't1');
    assert.equal(clientLabel('claude-cli'), 'Claude Code');
    assert.equal(clientLabel('my-bot'), 'my-bot');
  });
});
