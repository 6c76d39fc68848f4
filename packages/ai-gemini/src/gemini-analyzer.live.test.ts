import { signalSchema } from '@trd/core';
import { createAnalysisInput } from '@trd/core/testing';
import { describe, expect, it } from 'vitest';
import { createGeminiAnalyzer } from './gemini-analyzer';

const apiKey = process.env.GEMINI_API_KEY;

// Calls the real Gemini API: runs only when GEMINI_API_KEY is set, never in CI.
describe.skipIf(!apiKey)('live Gemini (GEMINI_API_KEY set)', () => {
  it('answers core’s prompt with a valid signal and reports its usage', { timeout: 120_000 }, async () => {
    const analyzer = createGeminiAnalyzer({
      apiKey: apiKey as string,
      model: process.env.GEMINI_MODEL ?? 'gemini-2.5-flash',
      maxRetries: 1,
      requestsPerMinute: 5,
    });
    const signal = await analyzer.analyze(createAnalysisInput());
    expect(signalSchema.safeParse(signal).success).toBe(true);
    expect(signal.usage?.inputTokens).toBeGreaterThan(0);
    expect(signal.usage?.rawAnswer?.length).toBeGreaterThan(0);
    // A real answer to the schema parses: a hold here must be the model's own, not a refusal.
    expect(signal.reasoning ?? '').not.toMatch(/^invalid model answer|finishReason|prompt blocked/);
  });
});
