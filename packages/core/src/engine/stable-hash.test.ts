import { describe, expect, it } from 'vitest';
import { stableHash } from './stable-hash';

/** The textbook 64-bit FNV-1a on BigInt, byte by byte: what stableHash must equal. */
function reference(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(36).padStart(13, '0');
}

describe('stableHash', () => {
  it('is 64-bit FNV-1a of the UTF-8 bytes, for ASCII and other text alike', () => {
    expect(stableHash('')).toBe(reference(''));
    // Known FNV-1a 64 value of "a": 0xaf63dc4c8601ec8c.
    expect(stableHash('a')).toBe(0xaf63dc4c8601ec8cn.toString(36).padStart(13, '0'));
    const texts = [
      'shared|BTCUSDT|1726876800000',
      'personal|alice|€ 10 — ✓',
      '{"a":[1,2,3]}',
      'x'.repeat(5_000),
    ];
    let seed = 7;
    for (let i = 0; i < 200; i++) {
      let text = '';
      for (let j = 0; j < i % 40; j++) {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        text += String.fromCharCode(seed % 3 === 0 ? 0x20 + (seed % 0x5f) : seed % 0x3000);
      }
      texts.push(text);
    }
    for (const text of texts) expect(stableHash(text)).toBe(reference(text));
  });
});
