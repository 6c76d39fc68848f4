/**
 * PostgreSQL refuses a `NOTIFY` payload of 8000 bytes or more. A message that fits goes as one
 * frame; a larger one (an analysis with a long reasoning, a trade with a big raw answer) is cut
 * into numbered parts, each well under the limit, and put together again by the receiver.
 */
export const NOTIFY_PAYLOAD_LIMIT = 8000;
/** Bytes of the message per part: base64 makes them 6 668 characters, with room for the envelope. */
const PART_BYTES = 5000;
/** A part whose siblings have not all arrived in this long is dropped (its sender died mid-message). */
const PARTIAL_TTL_MS = 60_000;
/** At most this many messages being put together at once. */
const MAX_PARTIALS = 1000;

interface WholeFrame {
  /** The sending process. */
  o: string;
  b: string;
}
interface PartFrame {
  o: string;
  /** The message's id at its sender. */
  i: string;
  /** Part number, from 0, of `n`. */
  p: number;
  n: number;
  /** The part's bytes, base64. */
  c: string;
}

/** The payloads that carry `body` from `origin` (one when it fits), in the order to send them. */
export function encodeFrames(origin: string, messageId: string, body: string): string[] {
  const whole = JSON.stringify({ o: origin, b: body } satisfies WholeFrame);
  if (Buffer.byteLength(whole, 'utf8') < NOTIFY_PAYLOAD_LIMIT - 100) return [whole];
  const bytes = Buffer.from(body, 'utf8');
  const count = Math.ceil(bytes.length / PART_BYTES);
  const frames: string[] = [];
  for (let part = 0; part < count; part++) {
    const chunk = bytes.subarray(part * PART_BYTES, (part + 1) * PART_BYTES).toString('base64');
    frames.push(JSON.stringify({ o: origin, i: messageId, p: part, n: count, c: chunk } satisfies PartFrame));
  }
  return frames;
}

/** Puts frames together: `accept` returns a message once all of its frames have arrived. */
export class FrameAssembler {
  private readonly partials = new Map<string, { parts: (Buffer | undefined)[]; seen: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  accept(payload: string): { origin: string; body: string } | null {
    let frame: Partial<WholeFrame & PartFrame>;
    try {
      frame = JSON.parse(payload) as Partial<WholeFrame & PartFrame>;
    } catch {
      return null;
    }
    if (typeof frame.o !== 'string') return null;
    if (typeof frame.b === 'string') return { origin: frame.o, body: frame.b };
    const { i: id, p: part, n: count, c: chunk } = frame;
    if (
      typeof id !== 'string' ||
      typeof chunk !== 'string' ||
      !Number.isInteger(part) ||
      !Number.isInteger(count) ||
      count! < 1 ||
      count! > 10_000 ||
      part! < 0 ||
      part! >= count!
    )
      return null;
    this.prune();
    const key = `${frame.o}\u0000${id}`;
    let partial = this.partials.get(key);
    if (!partial) {
      if (this.partials.size >= MAX_PARTIALS) return null;
      partial = { parts: new Array<Buffer | undefined>(count!), seen: 0, at: this.now() };
      this.partials.set(key, partial);
    }
    if (partial.parts.length !== count || partial.parts[part!] !== undefined) return null;
    partial.parts[part!] = Buffer.from(chunk, 'base64');
    if (++partial.seen < count!) return null;
    this.partials.delete(key);
    return { origin: frame.o, body: Buffer.concat(partial.parts as Buffer[]).toString('utf8') };
  }

  /** Messages still missing parts. */
  get pending(): number {
    return this.partials.size;
  }

  private prune(): void {
    const oldest = this.now() - PARTIAL_TTL_MS;
    for (const [key, partial] of this.partials) if (partial.at < oldest) this.partials.delete(key);
  }
}
