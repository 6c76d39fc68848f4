import { describe, expect, it } from 'vitest';
import { answerText } from './answer-text';
import { loadGeminiFixture } from './test-fixtures';
import { geminiAnswerBody } from './testing/gemini-responses';

describe('answerText', () => {
  it('returns the text of a complete answer', () => {
    const result = answerText(loadGeminiFixture('recorded-json-schema-answer'));
    expect(result.ok).toBe(true);
    expect(result.text).toMatch(/^\{"simpleString":"Hello"/);
  });

  it('skips thought parts', () => {
    const body = geminiAnswerBody('{"signal":"hold"}', { thoughts: ['**Weighing RSI**\n', 'MACD is flat.'] });
    expect(answerText(body as never)).toEqual({ ok: true, text: '{"signal":"hold"}' });
  });

  it('never takes thoughts for the answer (recorded: thinking cut by the token limit)', () => {
    const body = loadGeminiFixture('recorded-thought-parts');
    expect(body.candidates![0]!.content!.parts!.every((part) => part.thought)).toBe(true);
    expect(answerText(body)).toMatchObject({
      ok: false,
      text: undefined,
      reason: expect.stringMatching(/MAX_TOKENS/),
    });
  });

  it('accepts an answer without finishReason (older responses)', () => {
    expect(answerText({ candidates: [{ content: { parts: [{ text: '{}' }] } }] })).toEqual({
      ok: true,
      text: '{}',
    });
  });

  it.each([
    ['unary-failure-prompt-blocked-safety', /prompt blocked by Gemini \(blockReason SAFETY\)/],
    ['unary-failure-finish-reason-safety', /finishReason SAFETY/],
    ['unary-failure-empty-content', /empty answer/],
    ['recorded-max-tokens-no-parts', /truncated .*MAX_TOKENS/],
    ['recorded-max-tokens-truncated', /truncated .*MAX_TOKENS/],
  ])('refuses %s with its reason', (fixture, reason) => {
    const result = answerText(loadGeminiFixture(fixture));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('keeps the text of a refused answer for the audit trail', () => {
    const result = answerText(loadGeminiFixture('unary-failure-finish-reason-safety'));
    expect(result).toMatchObject({ ok: false, text: 'No' });
  });

  it.each([
    'RECITATION',
    'OTHER',
    'BLOCKLIST',
    'PROHIBITED_CONTENT',
    'SPII',
    'LANGUAGE',
    'FINISH_REASON_UNSPECIFIED',
  ])('refuses finishReason %s', (finishReason) => {
    const result = answerText(geminiAnswerBody({ signal: 'buy' }, { finishReason }) as never);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(`finishReason ${finishReason}`);
  });

  it('refuses a response without candidates, and blank text', () => {
    expect(answerText({ candidates: [] })).toMatchObject({
      ok: false,
      reason: 'Gemini returned no candidate',
    });
    expect(answerText({})).toMatchObject({ ok: false, reason: 'Gemini returned no candidate' });
    expect(answerText(geminiAnswerBody('  \n') as never)).toMatchObject({
      ok: false,
      reason: 'Gemini returned an empty answer',
    });
  });

  it('includes the block message when Gemini gives one', () => {
    const result = answerText({ promptFeedback: { blockReason: 'OTHER', blockReasonMessage: 'policy' } });
    expect(result).toMatchObject({
      ok: false,
      reason: 'prompt blocked by Gemini (blockReason OTHER: policy)',
    });
  });
});
