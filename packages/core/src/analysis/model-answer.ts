import { z } from 'zod';
import type { AnalysisInput } from '../domain/analysis-input';
import { type AnalysisUsage, holdSignal, type Signal } from '../domain/signal';
import { sanitizeSignal } from './sanitize-signal';

/**
 * The model's answer, in the reference bot's snake_case shape. Prices are numbers in quote units;
 * they may be null or absent for a hold. Positivity and geometry are checked by `sanitizeSignal`,
 * so that a bad price is reported precisely rather than as a schema error.
 */
export const modelAnswerSchema = z.object({
  signal: z.enum(['buy', 'sell', 'hold']).describe('buy, sell or hold'),
  confidence: z.number().min(0).max(100).describe('How sure you are, 0 to 100'),
  entry_price: z.number().nullable().optional().describe('Entry price in quote units; null for hold'),
  stop_loss: z.number().nullable().optional().describe('Stop-loss price in quote units; null for hold'),
  take_profit: z.number().nullable().optional().describe('Take-profit price in quote units; null for hold'),
  reasoning: z.string().describe('One or two sentences on why'),
});
export type ModelAnswer = z.infer<typeof modelAnswerSchema>;

/**
 * `modelAnswerSchema` as a plain JSON Schema (draft-07) for structured output, e.g. Gemini's
 * `responseJsonSchema`. Every key is required (prices may be null) so the model always states them.
 */
export const modelAnswerJsonSchema: Record<string, unknown> = (() => {
  const schema = z.toJSONSchema(modelAnswerSchema, { target: 'draft-7' }) as Record<string, unknown>;
  return { ...schema, required: Object.keys(modelAnswerSchema.shape) };
})();

export interface ParseModelAnswerOptions {
  /** Passed to `sanitizeSignal`; default 5 (percent). */
  maxDeviationPercent?: number;
}

/**
 * Turns a model's text answer into a sanitized `Signal`. Tolerates a ```json fence and prose around
 * the object. Never throws: malformed JSON, missing fields or wrong types become a `hold` whose
 * `reasoning` names the problem; prices are then checked by `sanitizeSignal` against the market price.
 */
export function parseModelAnswer(
  text: string,
  input: Pick<AnalysisInput, 'market'>,
  usage?: AnalysisUsage,
  options: ParseModelAnswerOptions = {},
): Signal {
  try {
    const json = readJson(typeof text === 'string' ? text : '');
    if (!json.ok) return holdSignal(`invalid model answer: ${json.problem}`, usage);
    const parsed = modelAnswerSchema.safeParse(normalizeAction(json.value as Record<string, unknown>));
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'answer'}: ${issue.message}`,
      );
      return holdSignal(`invalid model answer: ${problems.join('; ')}`, usage);
    }
    const answer = parsed.data;
    const signal: Signal = {
      action: answer.signal,
      confidence: answer.confidence,
      ...(answer.entry_price != null ? { entryPrice: answer.entry_price } : {}),
      ...(answer.stop_loss != null ? { stopLoss: answer.stop_loss } : {}),
      ...(answer.take_profit != null ? { takeProfit: answer.take_profit } : {}),
      ...(answer.reasoning ? { reasoning: answer.reasoning } : {}),
      ...(usage ? { usage } : {}),
    };
    return sanitizeSignal(signal, {
      price: input.market.price,
      ...(options.maxDeviationPercent === undefined
        ? {}
        : { maxDeviationPercent: options.maxDeviationPercent }),
    });
  } catch (error) {
    // Defensive: nothing above should throw, but an analyzer must never fail on model output.
    return holdSignal(
      `invalid model answer: ${error instanceof Error ? error.message : String(error)}`,
      usage,
    );
  }
}

// "BUY" or " Sell " mean what they say (the reference bot lowercases too); anything else stays as given.
function normalizeAction(answer: Record<string, unknown>): Record<string, unknown> {
  return typeof answer.signal === 'string'
    ? { ...answer, signal: answer.signal.trim().toLowerCase() }
    : answer;
}

type JsonRead = { ok: true; value: unknown } | { ok: false; problem: string };

function readJson(text: string): JsonRead {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'the answer is empty' };
  const fenced = /```(?:json)?\s*([\s\S]*?)\s*```/i.exec(trimmed);
  const candidates = [fenced?.[1] ?? trimmed];
  // Some models wrap the object in prose: try the outermost braces too.
  const first = trimmed.indexOf('{');
  const last = trimmed.lastIndexOf('}');
  if (first !== -1 && last > first) candidates.push(trimmed.slice(first, last + 1));

  let problem = '';
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problem = 'the answer is not a JSON object';
        continue;
      }
      return { ok: true, value };
    } catch (error) {
      problem ||= `malformed JSON (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  return { ok: false, problem };
}

/**
 * The signal of a model's answer, for every model adapter: a `hold` with the reason when the
 * answer is unusable (cut by the token limit, blocked, empty), else `parseModelAnswer`'s result.
 * Never throws: should parsing ever throw, the answer is unusable, not fatal.
 */
export function signalFromAnswer(
  answer: { ok: true; text: string } | { ok: false; reason: string },
  input: Pick<AnalysisInput, 'market'>,
  usage: AnalysisUsage,
  options: ParseModelAnswerOptions = {},
): Signal {
  if (!answer.ok) return holdSignal(answer.reason, usage);
  try {
    return parseModelAnswer(answer.text, input, usage, options);
  } catch (error) {
    return holdSignal(`model answer could not be checked: ${(error as Error).message}`, usage);
  }
}
