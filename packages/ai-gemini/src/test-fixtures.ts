import { readFileSync } from 'node:fs';
import type { GeminiResponseBody } from './answer-text';

/** A recorded Gemini response body from packages/ai-gemini/fixtures (tests only). */
export function loadGeminiFixture(name: string): GeminiResponseBody & Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'));
}
