import { strict as assert } from 'node:assert';
import { decideKeyUse, keyOrigin, originHost, parseStoredKey, serializeStoredKey } from '../../../src/core/keys/keyOrigin';

const OPENAI = 'https://api.openai.com';
const EVIL = 'https://evil.example';

describe('which origin an API key may go to', () => {
  it('reduces a base URL to its origin: scheme, lower-case host, port only when not the default', () => {
    assert.equal(keyOrigin('https://API.OpenAI.com:443/v1/'), OPENAI);
    assert.equal(keyOrigin('http://127.0.0.1:11434/v1'), 'http://127.0.0.1:11434');
    assert.equal(keyOrigin('https://api.openai.com.evil.example/v1'), 'https://api.openai.com.evil.example');
    assert.equal(keyOrigin('http://api.openai.com/v1'), 'http://api.openai.com', 'plain http is another origin');
    assert.equal(keyOrigin('https://user:pw@api.openai.com/v1'), OPENAI);
    assert.equal(keyOrigin('ftp://api.openai.com'), undefined);
    assert.equal(keyOrigin('not a url'), undefined);
    assert.equal(originHost('http://127.0.0.1:11434'), '127.0.0.1:11434');
  });

  it('stores the key with its origin and reads back a bare key stored before binding as unbound', () => {
    const text = serializeStoredKey({ key: 'sk-abc', origin: OPENAI });
    assert.deepEqual(parseStoredKey(text), { key: 'sk-abc', origin: OPENAI });
    assert.deepEqual(parseStoredKey('sk-legacy-0123'), { key: 'sk-legacy-0123', origin: null });
    assert.deepEqual(parseStoredKey('{not json'), { key: '{not json', origin: null });
    assert.deepEqual(parseStoredKey('{"key":"k","origin":"https://x.test/v1"}'), { key: '{"key":"k","origin":"https://x.test/v1"}', origin: null }, 'an origin must be an origin');
  });

  it('sends a key to the origin it was stored for, without asking', () => {
    assert.deepEqual(decideKeyUse({ stored: { key: 'k', origin: OPENAI }, target: OPENAI, userOrigin: undefined, answers: {} }), { kind: 'send' });
  });

  it('asks before sending it to any other origin, naming where it belongs', () => {
    assert.deepEqual(decideKeyUse({ stored: { key: 'k', origin: OPENAI }, target: EVIL, userOrigin: OPENAI, answers: {} }), { kind: 'ask', storedFor: OPENAI });
    assert.deepEqual(decideKeyUse({ stored: { key: 'k', origin: OPENAI }, target: 'http://api.openai.com', userOrigin: OPENAI, answers: {} }).kind, 'ask');
  });

  it('follows the remembered answer for that origin only', () => {
    const answers = { [EVIL]: 'allow', 'https://other.example': 'deny' } as const;
    assert.deepEqual(decideKeyUse({ stored: { key: 'k', origin: OPENAI }, target: EVIL, userOrigin: OPENAI, answers }), { kind: 'send' });
    assert.deepEqual(decideKeyUse({ stored: { key: 'k', origin: OPENAI }, target: 'https://other.example', userOrigin: OPENAI, answers }), { kind: 'refuse', storedFor: OPENAI });
    assert.equal(decideKeyUse({ stored: { key: 'k', origin: OPENAI }, target: 'https://third.example', userOrigin: OPENAI, answers }).kind, 'ask');
    assert.equal(decideKeyUse({ stored: { key: 'k', origin: OPENAI }, target: 'toString', userOrigin: OPENAI, answers: {} }).kind, 'ask', 'no inherited answers');
  });

  it('binds a key stored before binding to the user-level origin of its provider, and judges the target by that', () => {
    assert.deepEqual(decideKeyUse({ stored: { key: 'k', origin: null }, target: OPENAI, userOrigin: OPENAI, answers: {} }), { kind: 'send', bindTo: OPENAI });
    assert.deepEqual(decideKeyUse({ stored: { key: 'k', origin: null }, target: EVIL, userOrigin: OPENAI, answers: {} }), { kind: 'ask', storedFor: OPENAI, bindTo: OPENAI });
  });

  it('asks about an unbound key whose provider the user never configured', () => {
    assert.deepEqual(decideKeyUse({ stored: { key: 'k', origin: null }, target: EVIL, userOrigin: undefined, answers: {} }), { kind: 'ask', storedFor: null });
  });
});
