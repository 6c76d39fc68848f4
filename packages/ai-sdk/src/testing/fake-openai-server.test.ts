import { modelAnswerJsonSchema } from '@trd/core/analysis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './fake-openai-server';
import { openAiChatCompletion } from './openai-responses';

const KEY = 'sk-trd-fake-server-test-key-0001';
let fake: FakeOpenAiServer;

beforeAll(async () => {
  fake = await startFakeOpenAiServer({ apiKey: KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.refused.length = 0;
});

/** A request as core's analyzer sends it through the provider: core's schema, strict. */
function validBody(overrides: Record<string, unknown> = {}) {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a trading analyst.' },
      { role: 'user', content: 'BTCUSDT at 63000.' },
    ],
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'trade_signal', schema: modelAnswerJsonSchema, strict: true },
    },
    temperature: 0.2,
    max_tokens: 1_024,
    ...overrides,
  };
}

async function post(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) {
  const response = await fetch(`${fake.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error?: Record<string, unknown> } };
}

describe('the fake refuses what the real API refuses, in its error shape', () => {
  it('serves the request core sends, as a chat.completion', async () => {
    const answer = await post(validBody());
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ object: 'chat.completion', choices: [{ finish_reason: 'stop' }] });
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['no key', {}, "You didn't provide an API key", null],
    [
      'a wrong key',
      { authorization: 'Bearer sk-wrong-0000' },
      'Incorrect API key provided',
      'invalid_api_key',
    ],
  ])('401 for %s', async (_name, headers, message, code) => {
    const answer = await post(validBody(), headers as Record<string, string>);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toEqual({
      message: expect.stringContaining(message),
      type: 'invalid_request_error',
      param: null,
      code,
    });
  });

  it('404 model_not_found for a model it does not serve', async () => {
    const answer = await post(validBody({ model: 'gpt-9-ultra' }));
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error' });
    expect(answer.body.error?.message).toContain('gpt-9-ultra');
  });

  const strictSchemaWithoutAdditionalProperties = {
    ...modelAnswerJsonSchema,
    additionalProperties: undefined,
  };
  const strictSchemaMissingRequired = { ...modelAnswerJsonSchema, required: ['signal'] };

  it.each([
    ['no model', validBody({ model: undefined }), null, null, 'you must provide a model parameter'],
    [
      'no messages',
      validBody({ messages: undefined }),
      'messages',
      'missing_required_parameter',
      "'messages'",
    ],
    ['empty messages', validBody({ messages: [] }), 'messages', 'empty_array', 'empty array'],
    [
      'an unknown role',
      validBody({ messages: [{ role: 'robot', content: 'hi' }] }),
      'messages[0].role',
      'invalid_value',
      "'robot'",
    ],
    [
      'an unknown parameter',
      validBody({ temperature_boost: 2 }),
      null,
      null,
      'Unrecognized request argument',
    ],
    [
      'an unknown response_format type',
      validBody({ response_format: { type: 'xml' } }),
      'response_format.type',
      'invalid_value',
      "'xml'",
    ],
    [
      'json_schema without its object',
      validBody({ response_format: { type: 'json_schema' } }),
      'response_format.json_schema',
      'missing_required_parameter',
      'json_schema',
    ],
    [
      'json_schema without a name',
      validBody({ response_format: { type: 'json_schema', json_schema: { schema: modelAnswerJsonSchema } } }),
      'response_format.json_schema.name',
      'missing_required_parameter',
      'name',
    ],
    [
      'a name with spaces',
      validBody({ response_format: { type: 'json_schema', json_schema: { name: 'trade signal' } } }),
      'response_format.json_schema.name',
      'invalid_value',
      'pattern',
    ],
    [
      'a strict schema without additionalProperties: false',
      validBody({
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'trade_signal',
            schema: strictSchemaWithoutAdditionalProperties,
            strict: true,
          },
        },
      }),
      'response_format',
      null,
      "'additionalProperties' is required to be supplied and to be false",
    ],
    [
      'a strict schema leaving properties optional',
      validBody({
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'trade_signal', schema: strictSchemaMissingRequired, strict: true },
        },
      }),
      'response_format',
      null,
      "'required' is required to be supplied and to be an array including every key in properties",
    ],
    [
      'JSON mode without the word JSON in the messages',
      validBody({ response_format: { type: 'json_object' } }),
      'messages',
      null,
      "must contain the word 'json'",
    ],
    [
      'a temperature above 2',
      validBody({ temperature: 3 }),
      'temperature',
      'decimal_above_max_value',
      '<= 2',
    ],
    ['max_tokens 0', validBody({ max_tokens: 0 }), 'max_tokens', 'integer_below_min_value', '>= 1'],
    [
      'stream: true (this fake answers whole completions only)',
      validBody({ stream: true }),
      'stream',
      null,
      'stream',
    ],
  ])('400 invalid_request_error for %s', async (_name, body, param, code, message) => {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      message: expect.stringContaining(message as string),
      type: 'invalid_request_error',
      param,
      code,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('400 for a body that is not JSON, 404 for another path', async () => {
    const broken = await post('{"model": "gpt-4o-mini",');
    expect(broken.status).toBe(400);
    expect(broken.body.error?.message).toMatch(/could not parse the JSON body/);
    const elsewhere = await fetch(`${fake.baseUrl}/completions`, { method: 'POST', body: '{}' });
    expect(elsewhere.status).toBe(404);
  });

  it('a refused request does not take the reply queued for the next good one', async () => {
    fake.reply({ status: 200, body: openAiChatCompletion('{"queued": true}') });
    expect((await post(validBody({ messages: [] }))).status).toBe(400);
    const served = await post(validBody());
    expect(served.body).toMatchObject({ choices: [{ message: { content: '{"queued": true}' } }] });
    expect(fake.refused).toHaveLength(1);
  });
});
