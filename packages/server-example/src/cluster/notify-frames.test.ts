import { describe, expect, it } from 'vitest';
import { encodeFrames, FrameAssembler, NOTIFY_PAYLOAD_LIMIT } from './notify-frames';

describe('NOTIFY frames', () => {
  it('sends a small message as one frame', () => {
    const frames = encodeFrames('a', '1', '{"type":"trade:opened"}');
    expect(frames).toHaveLength(1);
    expect(new FrameAssembler().accept(frames[0]!)).toEqual({ origin: 'a', body: '{"type":"trade:opened"}' });
  });

  it('cuts a large message (multi-byte text too) into parts under the limit, in any order', () => {
    const body = JSON.stringify({ reasoning: 'é€😀'.repeat(4000) + 'x'.repeat(20_000) });
    const frames = encodeFrames('process-a', '42', body);
    expect(frames.length).toBeGreaterThan(3);
    for (const frame of frames) expect(Buffer.byteLength(frame)).toBeLessThan(NOTIFY_PAYLOAD_LIMIT);
    const assembler = new FrameAssembler();
    const shuffled = [...frames.slice(1), frames[0]!];
    const results = shuffled.map((frame) => assembler.accept(frame));
    expect(results.slice(0, -1).every((result) => result === null)).toBe(true);
    expect(results.at(-1)).toEqual({ origin: 'process-a', body });
    expect(assembler.pending).toBe(0);
  });

  it('keeps the messages of two senders with the same id apart, ignores garbage and repeats', () => {
    const body = 'y'.repeat(12_000);
    const [a0, a1, a2] = encodeFrames('a', '1', body);
    const [b0, b1, b2] = encodeFrames('b', '1', `${body}b`);
    const assembler = new FrameAssembler();
    for (const frame of [a0, b0, 'not json', '{"o":1}', a0, b1, a1])
      expect(assembler.accept(frame!)).toBeNull();
    expect(assembler.accept(a2!)).toEqual({ origin: 'a', body });
    expect(assembler.accept(b2!)).toEqual({ origin: 'b', body: `${body}b` });
  });

  it('drops a message whose remaining parts never come (the sender died mid-message)', () => {
    let now = 0;
    const assembler = new FrameAssembler(() => now);
    const [first] = encodeFrames('a', '1', 'z'.repeat(12_000));
    assembler.accept(first!);
    expect(assembler.pending).toBe(1);
    now = 61_000;
    assembler.accept(encodeFrames('a', '2', 'z'.repeat(12_000))[0]!);
    expect(assembler.pending).toBe(1);
  });
});
