import type { AnalysisInput } from '../../domain/analysis-input';
import { type AnalysisUsage, holdSignal, type Signal } from '../../domain/signal';
import type { Analyzer } from '../../ports/analyzer';
import { type AnalysisPrompt, buildAnalysisPrompt } from '../analysis-prompt';
import { modelAnswerJsonSchema, signalFromAnswer } from '../model-answer';
import { answerCacheKey } from './answer-cache';
import { cachedModelCall } from './cached-model-call';
import { entryDeviationSettings } from './entry-deviation';
import type { ResolvedModelCallOptions } from './model-call-options';
import {
  createModelCallRunner,
  type ModelCallFailure,
  type ModelCallRunnerOptions,
} from './model-call-runner';

/** A model-backed `Analyzer`, with its shared queue visible for metrics. */
export interface ModelAnalyzer extends Analyzer {
  /** The model asked, as in cache keys and records, e.g. `gemini-2.5-flash` or `openai.chat:gpt-4o-mini`. */
  readonly model: string;
  /** Calls waiting for a concurrency or rate-limit slot. */
  readonly queued: number;
  /** Calls in flight. */
  readonly running: number;
  /** While a spent quota suspends the queue (calls fail fast), when it resumes (clock ms). */
  readonly suspendedUntil: number | undefined;
}

/** What a model's answer says once read: its text (or why it is unusable) and the usage. */
export interface ReadAnswer {
  answer: { ok: true; text: string } | { ok: false; reason: string };
  usage: AnalysisUsage;
}

/**
 * What a model adapter gives: its transport and how to read its answers. Everything else is
 * core's and the same for every adapter.
 */
export interface ModelAnalyzerOptions<Response, Failure extends ModelCallFailure> {
  /** The analyzer's `name` for events and the audit trail, e.g. `gemini:gemini-2.5-flash`. */
  name: string;
  /** The model asked: part of the cache key, recorded with each answer. */
  model: string;
  /** The shared options, resolved (`resolveModelCallOptions`). */
  settings: ResolvedModelCallOptions;
  /** The generation settings that change the answer (temperature, output limit, …): part of the cache key. */
  generation: Record<string, unknown>;
  /** How the service fails (errors, its 429s), for core's retry policy and shared queue. */
  calls: Omit<ModelCallRunnerOptions<Failure>, 'settings'>;
  /** Removed from a cache write's error message (the API key). */
  secret?: string;
  /**
   * One request with core's prompt and core's answer schema (`modelAnswerJsonSchema`), cancelled
   * by `abortSignal`. MUST resolve to the response as plain JSON (it is what the cache records and
   * replays) and MUST reject on a service failure, never resolve with an error.
   */
  request(prompt: AnalysisPrompt, abortSignal: AbortSignal): Promise<Response>;
  /** Reads a live or replayed response: the answer's text or why it cannot be used, and the usage. */
  read(response: Response, details: { latencyMs: number; cached: boolean }): ReadAnswer;
  /** The adapter's `ModelUnavailableError` for a replay miss with `replayMiss: 'error'`. */
  replayMissError(message: string): Error;
}

/**
 * Builds a model analyzer from an adapter's transport, so each adapter stays thin: core's prompt
 * (`buildAnalysisPrompt`, the market-only prompt for a shared input, told the entry limit it is
 * checked against), the record/replay cache keyed by `answerCacheKey`, the retry policy and shared
 * queue (`createModelCallRunner`), and core's checks (`signalFromAnswer`: anything unusable is a
 * `hold` with its reason). A replay miss without `replayMiss: 'error'` is a hold too.
 */
export function createModelAnalyzer<Response, Failure extends ModelCallFailure>(
  options: ModelAnalyzerOptions<Response, Failure>,
): ModelAnalyzer {
  const { settings, model, calls } = options;
  const runner = createModelCallRunner<Failure>({ ...calls, settings });
  const limits = entryDeviationSettings(settings.maxEntryDeviationPercent);

  async function analyze(input: AnalysisInput, callOptions: { signal?: AbortSignal } = {}): Promise<Signal> {
    const signal = callOptions.signal;
    signal?.throwIfAborted();
    const prompt = buildAnalysisPrompt(input, limits.prompt);
    const answer = await cachedModelCall<Response>({
      cache: settings.cache,
      key: () =>
        answerCacheKey({
          model,
          system: prompt.system,
          user: prompt.user,
          schema: modelAnswerJsonSchema,
          generation: options.generation,
        }),
      model,
      clock: settings.clock,
      service: calls.service,
      ...(options.secret === undefined ? {} : { secret: options.secret }),
      call: async () => {
        const call = await runner.call((abortSignal) => options.request(prompt, abortSignal), signal);
        return { response: call.value, latencyMs: call.latencyMs };
      },
      replayMissError: options.replayMissError,
    });
    if ('missed' in answer) return holdSignal(answer.missed);
    const read = options.read(answer.response, { latencyMs: answer.latencyMs, cached: answer.cached });
    return signalFromAnswer(read.answer, input, read.usage, limits.checks);
  }

  return {
    specificationVersion: 'v1',
    name: options.name,
    model,
    get queued() {
      return runner.queued;
    },
    get running() {
      return runner.running;
    },
    get suspendedUntil() {
      return runner.suspendedUntil;
    },
    analyze,
  };
}
