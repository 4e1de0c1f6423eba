import { strict as assert } from 'node:assert';
import { MODEL_LIST_MAX_AGE_MS, isFresh, mergeModelLists, retirementLabel, retirementOf } from '../../../src/core/models/modelList';
import { fetchModelList } from '../../../src/providers/modelList';
import { ProviderError } from '../../../src/providers/providerError';
import { startProtocolServer, withModelsRoute, type ProtocolServer } from '../../support/protocolServer';

const KEY = 'sk-test-models-0123456789';
const NOW = new Date('2026-11-28T12:00:00Z');

describe('model lists from the models endpoints', () => {
  let server: ProtocolServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reads an OpenAI-compatible list with the Bearer key, under the base URL\'s own path', async () => {
    server = await startProtocolServer(withModelsRoute({ apiKey: KEY, openai: [{ id: 'gpt-5.5', created: 1_776_000_000 }, { id: 'text-embedding-3-small' }, { id: 'old-model', deprecation_date: '2025-01-01' }] }, []));
    const models = await fetchModelList({ kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY });
    assert.deepEqual(models.map((model) => model.id), ['gpt-5.5', 'text-embedding-3-small', 'old-model']);
    assert.equal(server.requests[0].path, '/v1/models');
    assert.equal(server.requests[0].headers.authorization, `Bearer ${KEY}`);
    assert.equal(models[0].createdAt, new Date(1_776_000_000 * 1000).toISOString());
    assert.equal(models[2].retiresOn, '2025-01-01');
  });

  it('pages through Anthropic\'s list with x-api-key and anthropic-version', async () => {
    const anthropic = ['claude-sonnet-5', 'claude-opus-5-5', 'claude-haiku-4-5', 'claude-sonnet-4-5-20250929', 'claude-3-opus-20240229']
      .map((id, index) => ({ id, display_name: id.toUpperCase(), created_at: `2026-0${9 - index}-01T00:00:00Z` }));
    server = await startProtocolServer(withModelsRoute({ apiKey: KEY, anthropic, anthropicPageSize: 2 }, []));
    const models = await fetchModelList({ kind: 'anthropic', baseUrl: server.url, apiKey: KEY });
    assert.deepEqual(models.map((model) => model.id), anthropic.map((model) => model.id));
    assert.equal(server.requests.length, 3, 'three pages of two');
    assert.match(server.requests[1].path, /^\/v1\/models\?limit=1000&after_id=claude-opus-5-5$/);
    assert.equal(server.requests[0].headers['x-api-key'], KEY);
    assert.equal(server.requests[0].headers['anthropic-version'], '2023-06-01');
    assert.equal(models[0].displayName, 'CLAUDE-SONNET-5');
  });

  it('fails with a typed error on a refused key, a non-JSON body and a stalled server', async () => {
    server = await startProtocolServer(withModelsRoute({ apiKey: KEY, openai: [{ id: 'x' }] }, []));
    await assert.rejects(fetchModelList({ kind: 'openai', baseUrl: server.url, apiKey: 'wrong' }), (error: unknown) => error instanceof ProviderError && error.errorClass === 'auth');
    await server.close();
    server = await startProtocolServer([{ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>' }, { holdOpen: true, body: '{' }]);
    await assert.rejects(fetchModelList({ kind: 'openai', baseUrl: server.url }), (error: unknown) => error instanceof ProviderError && error.errorClass === 'protocol');
    await assert.rejects(fetchModelList({ kind: 'openai', baseUrl: server.url, timeoutMs: 200 }), (error: unknown) => error instanceof ProviderError && error.errorClass === 'timeout');
  });
});

describe('model lists: merge, freshness and retirements', () => {
  it('offers the configured models first, then the endpoint\'s chat models newest first, without retired ones', () => {
    const merged = mergeModelLists(['claude-sonnet-4-5', 'my-fine-tune'], [
      { id: 'claude-sonnet-4-5', displayName: 'Claude Sonnet 4.5' },
      { id: 'claude-haiku-4-5', createdAt: '2025-10-01T00:00:00Z' },
      { id: 'claude-sonnet-5', createdAt: '2026-09-01T00:00:00Z' },
      { id: 'claude-3-opus-20240229', createdAt: '2024-02-29T00:00:00Z' },
      { id: 'text-embedding-3-large' },
    ], NOW);
    assert.deepEqual(merged.map((model) => [model.id, model.source]), [
      ['claude-sonnet-4-5', 'both'], ['my-fine-tune', 'settings'], ['claude-sonnet-5', 'endpoint'], ['claude-haiku-4-5', 'endpoint'],
    ]);
    assert.equal(retirementLabel(merged[0].retirement), 'retires 2026-11-30');
    assert.equal(merged[2].retirement, undefined);
  });

  it('takes an end-of-life date from the endpoint over the table, and marks passed dates retired', () => {
    assert.deepEqual(retirementOf({ id: 'claude-3-5-sonnet-20241022' }, NOW), { date: '2025-10-22', retired: true, source: 'table' });
    assert.deepEqual(retirementOf({ id: 'anthropic/claude-sonnet-4-5' }, NOW), { date: '2026-11-30', retired: false, source: 'table' });
    assert.deepEqual(retirementOf({ id: 'claude-sonnet-4-5', retiresOn: '2026-12-31' }, NOW), { date: '2026-12-31', retired: false, source: 'endpoint' });
    assert.equal(retirementOf({ id: 'claude-sonnet-5' }, NOW), undefined);
    assert.equal(retirementOf({ id: 'claude-sonnet-4-50' }, NOW), undefined, 'a prefix matches whole id parts only');
  });

  it('is fresh for a day, for the same base URL only', () => {
    const cache = { providerId: 'openai', baseUrl: 'https://api.openai.com/v1', fetchedAt: NOW.toISOString(), models: [] };
    assert.equal(isFresh(cache, cache.baseUrl, new Date(NOW.getTime() + MODEL_LIST_MAX_AGE_MS - 1)), true);
    assert.equal(isFresh(cache, cache.baseUrl, new Date(NOW.getTime() + MODEL_LIST_MAX_AGE_MS)), false);
    assert.equal(isFresh(cache, 'https://example.test/v1', NOW), false);
    assert.equal(isFresh({ ...cache, fetchedAt: 'garbage' }, cache.baseUrl, NOW), false);
    assert.equal(isFresh(undefined, cache.baseUrl, NOW), false);
  });
});
