import { strict as assert } from 'node:assert';
import { get_encoding, type Tiktoken } from 'tiktoken';
import {
  ANTHROPIC_IMAGE_TOKENS, OPENAI_IMAGE_TOKENS, RawRequestError, RawRequestMemo, detectRequestFormat, estimateRawRequest,
} from '../../../src/core/estimate/rawRequest';
import { CALIBRATION_PRIORS, loadCounter, type TokenCounter } from '../../../src/core/tokens';

/** OpenAI cookbook `num_tokens_from_messages` for gpt-4o-class models, written out independently. */
function cookbookMessages(encoding: Tiktoken, messages: readonly Record<string, string>[]): number {
  let tokens = 0;
  for (const message of messages) {
    tokens += 3;
    for (const [key, value] of Object.entries(message)) {
      tokens += encoding.encode_ordinary(value).length;
      if (key === 'name') {
        tokens += 1;
      }
    }
  }
  return tokens + 3;
}

interface FlatTool {
  name: string;
  description: string;
  properties: Record<string, { type: string; description: string; enum?: string[] }>;
}

/** OpenAI cookbook `num_tokens_for_tools` (gpt-4o constants) over flat schemas. */
function cookbookTools(encoding: Tiktoken, tools: readonly FlatTool[]): number {
  let tokens = 0;
  for (const tool of tools) {
    tokens += 7;
    tokens += encoding.encode_ordinary(`${tool.name}:${tool.description.replace(/\.$/, '')}`).length;
    const keys = Object.keys(tool.properties);
    if (keys.length > 0) {
      tokens += 3;
      for (const key of keys) {
        const property = tool.properties[key];
        tokens += 3;
        if (property.enum) {
          tokens -= 3;
          for (const item of property.enum) {
            tokens += 3 + encoding.encode_ordinary(item).length;
          }
        }
        tokens += encoding.encode_ordinary(`${key}:${property.type}:${property.description.replace(/\.$/, '')}`).length;
      }
    }
  }
  return tokens + 12;
}

const weather: FlatTool = {
  name: 'get_weather',
  description: 'Get the current weather in a city.',
  properties: {
    city: { type: 'string', description: 'The city, e.g. Paris.' },
    unit: { type: 'string', description: 'Temperature unit', enum: ['celsius', 'fahrenheit'] },
  },
};

function openAiTool(tool: FlatTool): unknown {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: { type: 'object', properties: tool.properties, required: ['city'] } } };
}

describe('raw request estimate', () => {
  let o200k: Tiktoken;
  before(() => {
    o200k = get_encoding('o200k_base');
  });
  after(() => {
    o200k.free();
  });

  describe('Chat Completions', () => {
    const messages: Record<string, string>[] = [
      { role: 'system', content: 'You are a careful reviewer. Reply in English.' },
      { role: 'user', content: 'Explain what this does:\nconst x = a ?? b;', name: 'dana' },
      { role: 'assistant', content: 'It picks `b` when `a` is null or undefined.' },
      { role: 'user', content: 'And `||`? Compare them — with ünïcödé and emoji 🎉.' },
    ];

    it('counts messages exactly as OpenAI documents the framing', () => {
      const estimate = estimateRawRequest({ model: 'gpt-4o', messages });
      assert.equal(estimate.format, 'openai');
      assert.equal(estimate.formatSource, 'detected');
      assert.equal(estimate.inputTokens, cookbookMessages(o200k, messages));
      assert.equal(estimate.exact, true);
      assert.equal(estimate.messages, 4);
      assert.equal(estimate.systemTokens, o200k.encode_ordinary(messages[0].content).length);
      assert.deepEqual(estimate.parts.map((part) => part.label), ['system', 'conversation (3 messages)', 'last message', 'message overhead']);
      assert.equal(estimate.userText, messages[3].content);
    });

    it('renders tool definitions as the cookbook does and marks them approximate', () => {
      const estimate = estimateRawRequest({ model: 'gpt-4o-mini', messages: messages.slice(0, 2), tools: [openAiTool(weather)] });
      const tools = estimate.parts.find((part) => part.kind === 'tools');
      assert.equal(tools?.tokens, cookbookTools(o200k, [weather]));
      assert.equal(tools?.exact, false);
      assert.equal(estimate.toolsTokens, tools?.tokens);
      assert.equal(estimate.exact, false);
      assert.deepEqual(estimate.toolNames, ['get_weather']);
      assert.equal(estimate.inputTokens, cookbookMessages(o200k, messages.slice(0, 2)) + cookbookTools(o200k, [weather]));
    });

    it('counts tool calls and tool results, approximate', () => {
      const body = {
        model: 'gpt-4.1',
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        ],
      };
      const estimate = estimateRawRequest(body);
      const conversation = estimate.parts.find((part) => part.kind === 'context');
      const last = estimate.parts.find((part) => part.kind === 'prompt');
      const count = (value: string) => o200k.encode_ordinary(value).length;
      assert.equal(conversation?.tokens, count('Weather in Paris?') + count('get_weather') + count('{"city":"Paris"}'));
      assert.equal(conversation?.exact, false);
      assert.equal(last?.tokens, count('{"temp":21}'));
      assert.equal(estimate.userText, 'Weather in Paris?', 'a tool result is not what the user said');
    });

    it('prices images by detail, approximately', () => {
      const estimate = estimateRawRequest({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] }],
      });
      const images = estimate.parts.find((part) => part.label === 'images (2)');
      assert.equal(images?.tokens, OPENAI_IMAGE_TOKENS.low + OPENAI_IMAGE_TOKENS.high);
      assert.equal(images?.exact, false);
    });

    it('lets max_completion_tokens (or max_tokens) bound the predicted output', () => {
      const free = estimateRawRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Write a parser for INI files' }] });
      assert.ok(free.outputTokens.p90 > 200);
      const capped = estimateRawRequest({ model: 'gpt-4o', max_completion_tokens: 200, max_tokens: 5000, messages: [{ role: 'user', content: 'Write a parser for INI files' }] });
      assert.equal(capped.maxOutputTokens, 200);
      assert.ok(capped.outputTokens.p90 <= 200 && capped.outputTokens.p50 <= 200);
      assert.ok(capped.cost.kind === 'priced' && free.cost.kind === 'priced' && capped.cost.usd.high < free.cost.usd.high);
      assert.equal(estimateRawRequest({ model: 'gpt-4o', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).outputTokens.p90, 64);
    });

    it('reads the stream flag and classifies the kind from the latest user text', () => {
      const estimate = estimateRawRequest({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Explain this regex' }] });
      assert.equal(estimate.stream, true);
      assert.equal(estimate.kind, 'explain');
    });
  });

  describe('Anthropic Messages', () => {
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
      tools: [{ name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: 'Fix the failing test in parser.ts' },
        { role: 'assistant', content: [{ type: 'text', text: 'Reading it.' }, { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'parser.ts' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'export const x = 1;' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
      ],
    };

    it('scales proxy counts by the calibration and adds the documented tool-use prompt unscaled', () => {
      const estimate = estimateRawRequest(body);
      assert.equal(estimate.format, 'anthropic');
      const factor = CALIBRATION_PRIORS.anthropic;
      const count = (value: string) => o200k.encode_ordinary(value).length;
      const tools = estimate.parts.find((part) => part.kind === 'tools');
      assert.equal(tools?.tokens, Math.round(count(JSON.stringify(body.tools)) * factor) + 346);
      const forced = estimateRawRequest({ ...body, tool_choice: { type: 'any' } }).parts.find((part) => part.kind === 'tools');
      assert.equal(forced?.tokens, Math.round(count(JSON.stringify(body.tools)) * factor) + 313);
      const haiku = estimateRawRequest({ ...body, model: 'claude-3-5-haiku-latest' }).parts.find((part) => part.kind === 'tools');
      assert.equal(haiku?.tokens, Math.round(count(JSON.stringify(body.tools)) * factor) + 264);
      assert.equal(estimate.parts.find((part) => part.kind === 'system')?.tokens, Math.round(count('You are Claude Code.') * factor));
      assert.equal(estimate.parts.find((part) => part.label === 'images (1)')?.tokens, ANTHROPIC_IMAGE_TOKENS);
      assert.equal(estimate.parts.find((part) => part.kind === 'prompt')?.tokens, Math.round(count('export const x = 1;') * factor));
      assert.equal(estimate.exact, false);
      assert.equal(estimate.userText, 'Fix the failing test in parser.ts');
      assert.equal(estimate.kind, 'fix');
      assert.equal(estimate.inputTokens, estimate.parts.reduce((sum, part) => sum + part.tokens, 0));
    });

    it('widens the output for extended thinking, within max_tokens', () => {
      const plain = estimateRawRequest({ ...body, max_tokens: 64_000 });
      const thinking = estimateRawRequest({ ...body, max_tokens: 64_000, thinking: { type: 'enabled', budget_tokens: 10_000 } });
      assert.equal(thinking.outputTokens.p90, plain.outputTokens.p90 + 10_000);
      assert.equal(thinking.outputTokens.p50, plain.outputTokens.p50 + 2_500);
      const tight = estimateRawRequest({ ...body, max_tokens: 10_500, thinking: { type: 'enabled', budget_tokens: 10_000 } });
      assert.equal(tight.outputTokens.p90, 10_500);
    });
  });

  describe('Responses', () => {
    it('counts instructions, input items and max_output_tokens', () => {
      const body = {
        model: 'gpt-5',
        instructions: 'You are Codex.',
        max_output_tokens: 300,
        input: [
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Add a docstring to parse()' }] },
          { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"cmd":["cat","a.py"]}' },
          { type: 'function_call_output', call_id: 'c1', output: 'def parse(): pass' },
        ],
        tools: [{ type: 'function', name: 'shell', description: 'Run a command', parameters: { type: 'object', properties: { cmd: { type: 'array', description: 'argv' } } } }],
      };
      const estimate = estimateRawRequest(body);
      assert.equal(estimate.format, 'responses');
      assert.equal(estimate.messages, 3);
      assert.equal(estimate.maxOutputTokens, 300);
      assert.ok(estimate.outputTokens.p90 <= 300);
      const count = (value: string) => o200k.encode_ordinary(value).length;
      assert.equal(estimate.systemTokens, count('You are Codex.'));
      assert.equal(estimate.parts.find((part) => part.kind === 'prompt')?.tokens, count('def parse(): pass'));
      assert.equal(estimate.parts.find((part) => part.kind === 'overhead')?.exact, false, 'the Responses framing is not documented');
      assert.deepEqual(estimate.toolNames, ['shell']);
      assert.equal(estimate.userText, 'Add a docstring to parse()');
    });

    it('takes a plain string input as one user message', () => {
      const estimate = estimateRawRequest({ model: 'gpt-4.1', input: 'Explain monads' });
      assert.equal(estimate.messages, 1);
      assert.equal(estimate.kind, 'explain');
    });
  });

  it('detects the format from the body shape', () => {
    const cases: [unknown, string | undefined][] = [
      [{ model: 'm', messages: [{ role: 'user', content: 'x' }] }, 'openai'],
      [{ model: 'm', messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'x' }] }, 'openai'],
      [{ model: 'm', max_tokens: 5, system: 's', messages: [{ role: 'user', content: 'x' }] }, 'anthropic'],
      [{ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }] }] }, 'anthropic'],
      [{ model: 'm', tools: [{ name: 't', input_schema: {} }], messages: [] }, 'anthropic'],
      [{ model: 'm', tools: [{ type: 'function', function: { name: 't' } }], messages: [] }, 'openai'],
      [{ model: 'm', input: 'hello' }, 'responses'],
      [{ model: 'm', instructions: 'x', input: [] }, 'responses'],
      [{ model: 'm' }, undefined],
      [[1, 2], undefined],
    ];
    for (const [body, expected] of cases) {
      assert.equal(detectRequestFormat(body), expected, JSON.stringify(body));
    }
  });

  it('names the field of a body it cannot estimate', () => {
    assert.throws(() => estimateRawRequest({ messages: [] }), (error: unknown) => error instanceof RawRequestError && /^model:/.test(error.message));
    assert.throws(() => estimateRawRequest({ model: 'gpt-4o', messages: ['x'] }, { format: 'openai' }), /messages\[0\]/);
    assert.throws(() => estimateRawRequest('{"model":', {}), /not valid JSON/);
    assert.throws(() => estimateRawRequest({ model: 'gpt-4o' }), /neither "messages" nor "input"/);
    assert.throws(() => estimateRawRequest({ model: 'x', input: 5 }), /^RawRequestError: input:|input:/);
  });

  it('tokenizes a resent conversation once with a memo, with the same counts', () => {
    let counted = 0;
    const real = loadCounter('o200k_base');
    const spy: TokenCounter = { encoding: 'o200k_base', count: (value) => { counted += value.length; return real.count(value); } };
    const long = 'lorem ipsum dolor sit amet '.repeat(400);
    const round1 = { model: 'gpt-4o', messages: [{ role: 'user', content: long }] };
    const round2 = { model: 'gpt-4o', messages: [...round1.messages, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'next' }] };
    const memo = new RawRequestMemo();
    const first = estimateRawRequest(round1, { counterFor: () => spy, memo });
    const before = counted;
    const second = estimateRawRequest(round2, { counterFor: () => spy, memo });
    assert.ok(counted - before < 100, `the long message was not recounted (${counted - before} characters counted)`);
    assert.equal(second.inputTokens, estimateRawRequest(round2).inputTokens);
    assert.equal(first.inputTokens, estimateRawRequest(round1).inputTokens);
  });
});
