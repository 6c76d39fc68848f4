/**
 * 64-bit FNV-1a of the text, 13 base-36 characters: short, stable across processes and safe in
 * ids. Not cryptographic: for deterministic ids and cache keys only.
 */
export function stableHash(text: string): string {
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * prime) & 0xffffffffffffffffn;
  }
  return hash.toString(36).padStart(13, '0');
}
