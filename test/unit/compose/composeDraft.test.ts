import { strict as assert } from 'node:assert';
import { ComposeDraft, SELECTION_CHIP_ID } from '../../../src/views/composeDraft';

const selection = (text: string, label = 'src/a.ts:3-9') => ({ kind: 'selection' as const, label, text });

describe('compose: draft', () => {
  it('adds the editor selection as a chip, follows it and drops it when the selection is gone', () => {
    const draft = new ComposeDraft();
    assert.equal(draft.setSelection(selection('a')), true);
    assert.deepEqual(draft.chips(undefined), [{ id: SELECTION_CHIP_ID, kind: 'selection', label: 'src/a.ts:3-9', tokens: null, auto: true }]);
    assert.equal(draft.setSelection(selection('a')), false, 'same selection: nothing changes');
    assert.equal(draft.setSelection(selection('ab', 'src/a.ts:3-10')), true);
    assert.equal(draft.contexts[0].text, 'ab');
    assert.equal(draft.setSelection(undefined), true);
    assert.deepEqual(draft.contexts, []);
  });

  it('keeps a removed selection out until the selection changes', () => {
    const draft = new ComposeDraft();
    draft.setSelection(selection('a'));
    assert.equal(draft.remove(SELECTION_CHIP_ID), true);
    assert.equal(draft.setSelection(selection('a')), false);
    assert.equal(draft.contexts.length, 0);
    assert.equal(draft.setSelection(selection('b')), true);
    assert.equal(draft.contexts.length, 1);
  });

  it('adds files once each, after the selection, and removes them by id', () => {
    const draft = new ComposeDraft();
    draft.addFile('src/b.ts', 'one');
    draft.setSelection(selection('sel'));
    draft.addFile('src/b.ts', 'two');
    draft.addFile('src/c.ts', 'three');
    assert.deepEqual(draft.contexts.map((c) => [c.label, c.text]), [['src/a.ts:3-9', 'sel'], ['src/b.ts', 'two'], ['src/c.ts', 'three']]);
    const chips = draft.chips([10, 20, 30]);
    assert.deepEqual(chips.map((chip) => chip.tokens), [10, 20, 30]);
    assert.equal(draft.remove(chips[1].id), true);
    assert.equal(draft.remove('nope'), false);
    assert.deepEqual(draft.contexts.map((c) => c.label), ['src/a.ts:3-9', 'src/c.ts']);
  });

  it('classifies the kind from the prompt unless one was picked', () => {
    const draft = new ComposeDraft();
    draft.prompt = 'Why does this function return null?';
    const auto = draft.toDraft('openai:gpt-4.1');
    assert.equal(auto.kind, 'explain');
    assert.equal(auto.source, 'compose');
    draft.kind = 'plan';
    assert.equal(draft.toDraft('openai:gpt-4.1').kind, 'plan');
  });

  it('starts over for a question about the selection: that prompt, that selection alone, kind from the wording', () => {
    const draft = new ComposeDraft();
    draft.prompt = 'Old draft';
    draft.kind = 'plan';
    draft.addFile('src/b.ts', 'attached earlier');
    draft.setSelection(selection('old'));
    draft.remove(SELECTION_CHIP_ID);
    draft.startOver('Why does this loop never end?', selection('old'));
    const sent = draft.toDraft('openai:gpt-4.1');
    assert.equal(sent.prompt, 'Why does this loop never end?');
    assert.deepEqual(sent.contexts, [{ kind: 'selection', label: 'src/a.ts:3-9', text: 'old' }], 'the dismissed selection is asked about explicitly');
    assert.equal(sent.kind, 'explain');
    assert.equal(draft.setSelection(selection('old')), false, 'the editor selection it came from keeps the chip');
    draft.startOver('What is a monad?', undefined);
    assert.deepEqual(draft.contexts, []);
  });
});
