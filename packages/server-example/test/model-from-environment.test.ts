import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeOpenAiServer, openAiChatCompletion, startFakeOpenAiServer } from '@trd/ai-sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './helpers/api-client';
import { dashboardUrl, type RunningProcess, startMain } from './helpers/main-process';

/** Never printed: the server must keep it out of every log line. */
const KEY = 'sk-trd-openai-compatible-key-never-printed-7f3a';

/**
 * `pnpm start`'s program choosing its model from the environment: AI_PROVIDER=openai-compatible,
 * AI_BASE_URL pointed at a local fake OpenAI server, AI_MODEL and the key. A user who starts
 * trading gets signals analysed by that model, through @trd/ai-sdk and @ai-sdk/openai-compatible.
 */
describe('the server on a model chosen by AI_PROVIDER', () => {
  const root = mkdtempSync(join(tmpdir(), 'trd-model-env-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach DATA_DIR.
  chmodSync(root, 0o755);
  const running: RunningProcess[] = [];
  let fake: FakeOpenAiServer;
  beforeAll(async () => {
    fake = await startFakeOpenAiServer({ apiKey: KEY, models: ['llama3.1'] });
    // A hold that names the fake, so the decision record shows where it came from.
    fake.handle(() => ({
      status: 200,
      body: openAiChatCompletion(
        {
          signal: 'hold',
          confidence: 40,
          entry_price: null,
          stop_loss: null,
          take_profit: null,
          reasoning: 'fake OpenAI-compatible model: no setup',
        },
        { model: 'llama3.1:8b-instruct' },
      ),
    }));
  });
  afterAll(async () => {
    for (const process of running) process.child.kill('SIGKILL');
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('analyses a user’s symbols through the fake, and never prints the key', async () => {
    const main = startMain({
      PORT: '0',
      DATA_DIR: join(root, 'data'),
      LOG_DIR: join(root, 'logs'),
      CYCLE_SECONDS: '1',
      AI_PROVIDER: 'openai-compatible',
      AI_BASE_URL: fake.baseUrl,
      AI_MODEL: 'llama3.1',
      AI_API_KEY: KEY,
    });
    running.push(main);
    const api = apiClient(await dashboardUrl(main));
    const { access_token: token } = await api.register('model-user');
    const config = await api.request('GET', '/trading/config', { token });
    expect(config.body.engine.analyzer).toBe('ai-sdk:openai-compatible.chat:llama3.1');
    expect((await api.request('POST', '/trading/start', { token })).status).toBe(200);

    const decision = await (async () => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const page = await api.request('GET', '/trading/analyses?limit=5', { token });
        const first = page.body.analyses?.[0];
        if (first) return first;
        if (Date.now() > deadline) throw new Error(`no analysis in time; output:\n${main.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    expect(decision).toMatchObject({
      analyzer: 'ai-sdk:openai-compatible.chat:llama3.1',
      model: { name: 'ai-sdk:openai-compatible.chat:llama3.1', version: 'llama3.1:8b-instruct' },
      signal: { action: 'hold', reasoning: 'fake OpenAI-compatible model: no setup' },
    });
    // The request the fake served: the model asked, the key sent, core's schema as the response format.
    const [request] = fake.requests;
    expect(request?.model).toBe('llama3.1');
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { strict: true },
    });

    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    expect(main.output()).not.toContain(KEY);
  }, 120_000);

  it.each([
    [
      { AI_PROVIDER: 'gpt' },
      'AI_PROVIDER: must be one of technical, gemini, openai, anthropic, openai-compatible',
    ],
    [{ AI_PROVIDER: 'openai-compatible', AI_MODEL: 'llama3.1' }, 'AI_BASE_URL: required'],
    [{ AI_PROVIDER: 'openai', OPENAI_API_KEY: '' }, 'OPENAI_API_KEY: required with AI_PROVIDER=openai'],
    [
      { AI_PROVIDER: 'openai', OPENAI_API_KEY: KEY, AI_BASE_URL: 'localhost:11434' },
      'AI_BASE_URL: must be an http(s) URL',
    ],
    [
      { AI_PROVIDER: 'openai', OPENAI_API_KEY: KEY, AI_REQUESTS_PER_MINUTE: 'lots' },
      'AI_REQUESTS_PER_MINUTE',
    ],
  ])(
    'stops at start-up on %o, naming the variable, never the key',
    async (env, problem) => {
      const main = startMain({
        PORT: '0',
        DATA_DIR: join(root, 'bad'),
        LOG_DIR: join(root, 'bad-logs'),
        ...env,
      });
      running.push(main);
      expect(await main.exited).toBe(1);
      expect(main.output()).toContain(problem);
      expect(main.output()).not.toContain(KEY);
    },
    60_000,
  );
});
