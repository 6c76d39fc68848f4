const encoder = new TextEncoder();

/**
 * 64-bit FNV-1a of the text's UTF-8 bytes, 13 base-36 characters: short, stable across processes
 * and safe in ids. Not cryptographic: for deterministic ids and cache keys only.
 *
 * The 64-bit product runs on two 32-bit halves (the engine hashes every user's input every cycle;
 * BigInt arithmetic per byte cost microseconds); the value is the textbook one (stable-hash.test.ts).
 */
export function stableHash(text: string): string {
  // Offset basis 0xcbf29ce484222325 in halves.
  let high = 0xcbf29ce4;
  let low = 0x84222325;
  const mix = (byte: number) => {
    low = (low ^ byte) >>> 0;
    // × prime 0x100000001b3 = × 0x1b3 + (× 1 << 40), modulo 2^64.
    const lowProduct = low * 0x1b3;
    const carry = Math.floor(lowProduct / 0x1_0000_0000);
    high = (Math.imul(high, 0x1b3) + carry + (low << 8)) >>> 0;
    low = lowProduct >>> 0;
  };
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
  else for (const byte of encoder.encode(text)) mix(byte);
  return ((BigInt(high) << 32n) | BigInt(low)).toString(36).padStart(13, '0');
}
