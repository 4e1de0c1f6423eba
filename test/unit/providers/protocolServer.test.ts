import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { everyNBytes, startProtocolServer } from '../../support/protocolServer';

/** A bare request, so the server is checked independently of the adapters it serves. */
function post(url: string, body: string): Promise<{ status: number; pieces: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const pieces: Buffer[] = [];
      res.on('data', (chunk: Buffer) => pieces.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, pieces }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('protocol server', () => {
  it('sends the body byte for byte in the scripted pieces and records the request', async () => {
    const body = Buffer.from('data: €\n\n', 'utf8');
    const server = await startProtocolServer([{ body, splitAt: [7] }]);
    try {
      const answer = await post(`${server.url}/v1/x`, '{"a":1}');
      assert.equal(answer.status, 200);
      assert.deepEqual(Buffer.concat(answer.pieces), body);
      assert.deepEqual(answer.pieces.map((p) => p.length), [7, 4], 'the euro sign arrives split');
      assert.equal(server.requests[0].path, '/v1/x');
      assert.deepEqual(server.requests[0].json, { a: 1 });
      assert.equal(server.requests[0].outcome, 'completed');
    } finally {
      await server.close();
    }
  });

  it('answers an unscripted request with a 500 that says so', async () => {
    const server = await startProtocolServer([]);
    try {
      const answer = await post(server.url, '{}');
      assert.equal(answer.status, 500);
      assert.match(Buffer.concat(answer.pieces).toString(), /no scripted response for request 1/);
    } finally {
      await server.close();
    }
  });

  it('cuts a body into pieces of n bytes', () => {
    assert.deepEqual(everyNBytes('abcdefg', 3), [3, 6]);
    assert.deepEqual(everyNBytes('abc', 3), []);
  });
});
