/** The parts of a `GenerateContentResponse` the analyzer reads (the REST shape, camelCase). */
export interface GeminiResponseBody {
  candidates?: Array<{
    content?: { role?: string; parts?: Array<{ text?: string; thought?: boolean }> };
    finishReason?: string;
    finishMessage?: string;
  }>;
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
    totalTokenCount?: number;
  };
  modelVersion?: string;
  responseId?: string;
}

export type AnswerText =
  | { ok: true; text: string }
  /** The answer cannot be used; `reason` says why, `text` is whatever text came back. */
  | { ok: false; reason: string; text: string | undefined };

/**
 * Gets the answer's text out of a response, or the reason there is no usable answer: a blocked
 * prompt, no candidate, a candidate stopped for any reason but STOP (safety, recitation, token
 * limit…), or no text. Thought parts are skipped, as the SDK's `response.text` does.
 */
export function answerText(response: GeminiResponseBody): AnswerText {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason) {
    const detail = response.promptFeedback?.blockReasonMessage;
    return {
      ok: false,
      reason: `prompt blocked by Gemini (blockReason ${blockReason}${detail ? `: ${detail}` : ''})`,
      text: undefined,
    };
  }
  const candidate = response.candidates?.[0];
  if (!candidate) return { ok: false, reason: 'Gemini returned no candidate', text: undefined };
  const textParts = (candidate.content?.parts ?? []).filter(
    (part) => !part.thought && typeof part.text === 'string',
  );
  const text = textParts.length > 0 ? textParts.map((part) => part.text).join('') : undefined;
  const finishReason = candidate.finishReason;
  if (finishReason === 'MAX_TOKENS') {
    return {
      ok: false,
      reason:
        'answer truncated by the output token limit (finishReason MAX_TOKENS); raise maxOutputTokens or lower thinkingBudget',
      text,
    };
  }
  // An absent finishReason is a complete answer in older responses; anything but STOP is not.
  if (finishReason !== undefined && finishReason !== 'STOP') {
    const detail = candidate.finishMessage;
    return {
      ok: false,
      reason: `answer stopped by Gemini (finishReason ${finishReason}${detail ? `: ${detail}` : ''})`,
      text,
    };
  }
  if (text === undefined || text.trim() === '')
    return { ok: false, reason: 'Gemini returned an empty answer', text };
  return { ok: true, text };
}
