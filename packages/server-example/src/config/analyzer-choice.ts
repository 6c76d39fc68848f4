/**
 * Which analyzer the server (and `pnpm backtest --analyzer`) runs, from the environment:
 *
 * | variable                 | meaning                                                                                     |
 * | ------------------------ | ------------------------------------------------------------------------------------------- |
 * | `AI_PROVIDER`            | `technical`, `gemini`, `openai`, `anthropic` or `openai-compatible`; unset: `gemini` when `GEMINI_API_KEY` is set, else `technical` |
 * | `AI_MODEL`               | the model; default `gemini-2.5-flash` (or `GEMINI_MODEL`) for gemini, `gpt-4o-mini` for openai; required for anthropic and openai-compatible |
 * | `AI_BASE_URL`            | another endpoint (a proxy, Azure, a local fake); required for openai-compatible (Ollama: `http://localhost:11434/v1`) |
 * | `OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `GEMINI_API_KEY` | the provider's key (`AI_API_KEY` works for any; optional for openai-compatible) |
 * | `AI_REQUESTS_PER_MINUTE` | the analyzer's shared rate limit (default 10 for gemini, 60 otherwise)                       |
 *
 * Pure parsing, no provider imported: `runtime/create-analyzer.ts` builds the analyzer.
 */

export const AI_PROVIDERS = ['technical', 'gemini', 'openai', 'anthropic', 'openai-compatible'] as const;
export type AiProvider = (typeof AI_PROVIDERS)[number];
export type ModelProvider = Exclude<AiProvider, 'technical'>;

export type AnalyzerChoice =
  | { provider: 'technical' }
  | {
      provider: ModelProvider;
      model: string;
      /** Undefined only for openai-compatible without a key, or a replay-only backtest. */
      apiKey: string | undefined;
      baseUrl: string | undefined;
      requestsPerMinute: number | undefined;
    };

/** The variable holding each provider's key, checked before `AI_API_KEY`. */
export const PROVIDER_KEY_VARIABLE: Record<ModelProvider, string | undefined> = {
  gemini: 'GEMINI_API_KEY',
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  'openai-compatible': undefined,
};

const DEFAULT_MODELS: Partial<Record<ModelProvider, string>> = {
  gemini: 'gemini-2.5-flash',
  openai: 'gpt-4o-mini',
};

/**
 * Reads the choice. `provider` overrides `AI_PROVIDER` (the backtest's `--analyzer`); with
 * `requireKey: false` a missing key is allowed (a backtest that only replays a cache). Returns
 * every problem found, each naming its variable; no problems means `choice` is complete.
 */
export function analyzerChoiceFromEnv(
  env: Record<string, string | undefined>,
  options: { provider?: AiProvider; requireKey?: boolean } = {},
): { choice: AnalyzerChoice; problems: string[] } {
  const value = (name: string) => {
    const text = env[name]?.trim();
    return text ? text : undefined;
  };
  const problems: string[] = [];
  const named = options.provider ?? value('AI_PROVIDER');
  if (named !== undefined && !(AI_PROVIDERS as readonly string[]).includes(named)) {
    problems.push(`AI_PROVIDER: must be one of ${AI_PROVIDERS.join(', ')}`);
    return { choice: { provider: 'technical' }, problems };
  }
  const provider = (named ?? (value('GEMINI_API_KEY') ? 'gemini' : 'technical')) as AiProvider;
  if (provider === 'technical') return { choice: { provider }, problems };

  const keyVariable = PROVIDER_KEY_VARIABLE[provider];
  const apiKey = (keyVariable ? value(keyVariable) : undefined) ?? value('AI_API_KEY');
  if (apiKey === undefined && keyVariable && options.requireKey !== false) {
    problems.push(`${keyVariable}: required with AI_PROVIDER=${provider} (or AI_API_KEY)`);
  }
  const model =
    value('AI_MODEL') ??
    (provider === 'gemini' ? value('GEMINI_MODEL') : undefined) ??
    DEFAULT_MODELS[provider];
  if (model === undefined) problems.push(`AI_MODEL: required with AI_PROVIDER=${provider}`);
  const baseUrl = value('AI_BASE_URL') ?? (provider === 'gemini' ? value('GEMINI_BASE_URL') : undefined);
  if (baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(baseUrl)) {
    problems.push(`${value('AI_BASE_URL') ? 'AI_BASE_URL' : 'GEMINI_BASE_URL'}: must be an http(s) URL`);
  }
  if (baseUrl === undefined && provider === 'openai-compatible') {
    problems.push(
      'AI_BASE_URL: required with AI_PROVIDER=openai-compatible (e.g. http://localhost:11434/v1 for Ollama)',
    );
  }
  const rate = value('AI_REQUESTS_PER_MINUTE');
  const requestsPerMinute = rate === undefined ? undefined : Number(rate);
  if (requestsPerMinute !== undefined && !(Number.isInteger(requestsPerMinute) && requestsPerMinute > 0)) {
    problems.push('AI_REQUESTS_PER_MINUTE: must be a whole number greater than 0');
  }
  return {
    choice: { provider, model: model ?? '', apiKey, baseUrl, requestsPerMinute },
    problems,
  };
}

/** How logs and the start-up line name the choice: `technical`, `gemini:gemini-2.5-flash`, `openai:gpt-4o-mini`. */
export function analyzerLabel(choice: AnalyzerChoice): string {
  return choice.provider === 'technical' ? 'technical' : `${choice.provider}:${choice.model}`;
}
