import { describe, expect, it } from 'vitest';
import { analyzerChoiceFromEnv, analyzerLabel } from './analyzer-choice';
import { loadServerConfig } from './server-config';

describe('analyzerChoiceFromEnv', () => {
  it('keeps the GEMINI_* variables working: Gemini when GEMINI_API_KEY is set, else technical', () => {
    expect(analyzerChoiceFromEnv({})).toEqual({ choice: { provider: 'technical' }, problems: [] });
    expect(
      analyzerChoiceFromEnv({
        GEMINI_API_KEY: 'g',
        GEMINI_MODEL: 'gemini-2.0-flash',
        GEMINI_BASE_URL: 'http://127.0.0.1:9',
      }).choice,
    ).toEqual({
      provider: 'gemini',
      model: 'gemini-2.0-flash',
      apiKey: 'g',
      baseUrl: 'http://127.0.0.1:9',
      requestsPerMinute: undefined,
    });
  });

  it('reads AI_PROVIDER, AI_MODEL, AI_BASE_URL and the provider’s key', () => {
    expect(analyzerChoiceFromEnv({ AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk' }).choice).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
      apiKey: 'sk',
      baseUrl: undefined,
      requestsPerMinute: undefined,
    });
    expect(
      analyzerChoiceFromEnv({
        AI_PROVIDER: 'openai-compatible',
        AI_BASE_URL: 'http://localhost:11434/v1',
        AI_MODEL: 'llama3.1',
        AI_REQUESTS_PER_MINUTE: '600',
      }),
    ).toEqual({
      choice: {
        provider: 'openai-compatible',
        model: 'llama3.1',
        apiKey: undefined,
        baseUrl: 'http://localhost:11434/v1',
        requestsPerMinute: 600,
      },
      problems: [],
    });
    expect(
      analyzerChoiceFromEnv({ AI_PROVIDER: 'anthropic', AI_API_KEY: 'k', AI_MODEL: 'claude-x' }).choice,
    ).toMatchObject({ provider: 'anthropic', apiKey: 'k', model: 'claude-x' });
    // AI_PROVIDER wins over a GEMINI_API_KEY left in the environment.
    expect(
      analyzerChoiceFromEnv({ AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk', GEMINI_API_KEY: 'g' }).choice
        .provider,
    ).toBe('openai');
  });

  it.each([
    [
      { AI_PROVIDER: 'gpt' },
      'AI_PROVIDER: must be one of technical, gemini, openai, anthropic, openai-compatible',
    ],
    [{ AI_PROVIDER: 'openai' }, 'OPENAI_API_KEY: required with AI_PROVIDER=openai'],
    [{ AI_PROVIDER: 'gemini' }, 'GEMINI_API_KEY: required with AI_PROVIDER=gemini'],
    [{ AI_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'k' }, 'AI_MODEL: required with AI_PROVIDER=anthropic'],
    [
      { AI_PROVIDER: 'openai-compatible', AI_MODEL: 'm' },
      'AI_BASE_URL: required with AI_PROVIDER=openai-compatible',
    ],
    [
      { AI_PROVIDER: 'openai', OPENAI_API_KEY: 'k', AI_BASE_URL: 'localhost' },
      'AI_BASE_URL: must be an http(s) URL',
    ],
    [{ AI_PROVIDER: 'openai', OPENAI_API_KEY: 'k', AI_REQUESTS_PER_MINUTE: '0' }, 'AI_REQUESTS_PER_MINUTE'],
  ])('refuses %o', (env, problem) => {
    expect(analyzerChoiceFromEnv(env).problems.join('; ')).toContain(problem);
  });

  it('names the choice for logs', () => {
    expect(analyzerLabel({ provider: 'technical' })).toBe('technical');
    expect(analyzerLabel(analyzerChoiceFromEnv({ AI_PROVIDER: 'openai', OPENAI_API_KEY: 'k' }).choice)).toBe(
      'openai:gpt-4o-mini',
    );
  });

  it('is part of the server config, its problems with the others', () => {
    expect(loadServerConfig({ AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk' }).analyzer).toMatchObject({
      provider: 'openai',
    });
    expect(() => loadServerConfig({ AI_PROVIDER: 'openai' })).toThrow(
      /invalid environment: .*OPENAI_API_KEY: required with AI_PROVIDER=openai/,
    );
  });
});
