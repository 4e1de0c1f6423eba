import { strict as assert } from 'node:assert';
import { computeTips } from '../../../src/core/tips';
import { TextMemo } from '../../../src/core/tips/textMemo';
import { draft, environment, nodeStackTrace } from './tipFixtures';

describe('tips: text memo', () => {
  it('computes once per text and evicts the least recently used', () => {
    const memo = new TextMemo<number>(2);
    let calls = 0;
    const length = (text: string) => {
      calls += 1;
      return text.length;
    };
    assert.equal(memo.get('aa', length), 2);
    assert.equal(memo.get('aa', length), 2);
    assert.equal(calls, 1);
    memo.get('bbb', length);
    memo.get('aa', length); // 'aa' is now the most recent
    memo.get('c', length); // evicts 'bbb'
    assert.equal(calls, 3);
    memo.get('aa', length);
    assert.equal(calls, 3);
    memo.get('bbb', length);
    assert.equal(calls, 4);
  });

  it('gives the same tips for an unchanged context and new ones when it changes', () => {
    const env = environment();
    const text = `Crash:\n${nodeStackTrace(120)}`;
    const first = computeTips(draft({ contexts: [{ label: 'log', kind: 'pasted', tokens: 1_000, text }] }), env);
    const again = computeTips(draft({ contexts: [{ label: 'log', kind: 'pasted', tokens: 1_000, text }] }), env);
    assert.deepEqual(again, first);
    const longer = `${text}\n${nodeStackTrace(40)}`;
    const changed = computeTips(draft({ contexts: [{ label: 'log', kind: 'pasted', tokens: 1_400, text: longer }] }), env);
    assert.notDeepEqual(changed.map((tip) => tip.savingTokens), first.map((tip) => tip.savingTokens));
  });
});
