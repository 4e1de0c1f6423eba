import { strict as assert } from 'node:assert';
import { SessionContextLog, contextFingerprint, formatSaving, type Tip } from '../../../src/core/tips';

describe('tips: session context log', () => {
  it('counts sends of the same text and sums their credits', () => {
    const log = new SessionContextLog();
    log.record('const a = 1;', 0.2);
    log.record('const a = 1;', 0.3);
    log.record('const b = 2;', 1);
    assert.deepEqual(log.priorSends('const a = 1;'), { count: 2, credits: 0.5 });
    assert.deepEqual(log.lookup('const b = 2;'), { count: 1, credits: 1 });
    assert.equal(log.lookup('const c = 3;'), undefined);
  });

  it('fingerprints differ for texts that differ by one character or by length', () => {
    assert.notEqual(contextFingerprint('abc'), contextFingerprint('abd'));
    assert.notEqual(contextFingerprint('a'), contextFingerprint('a\u0000'));
    assert.equal(contextFingerprint('same'), contextFingerprint('same'));
  });
});

describe('tips: formatSaving', () => {
  const tip: Tip = { id: 'hugeContext', title: 't', message: 'm', savingTokens: 11_000, savingCredits: 0.8256 };
  it('shows tokens and credits', () => {
    assert.equal(formatSaving(tip), 'saves ≈ 11k tokens, 0.8 cr');
  });
  it('says when there is no price', () => {
    assert.equal(formatSaving({ ...tip, savingCredits: undefined }), 'saves ≈ 11k tokens, no price for this model');
  });
});
