import { describe, expect, it } from 'vitest';
import { createAnalysisInput } from './fixtures';
import { recordCalls } from './recording';
import { createScriptedAnalyzer } from './recording-analyzer';

describe('recordCalls', () => {
  it('records calls with their arguments and forwards them', async () => {
    const target = {
      name: 'port',
      async add(a: number, b: number) {
        return a + b + this.offset;
      },
      offset: 1,
    };
    const recorder = recordCalls(target);
    expect(await recorder.port.add(1, 2)).toBe(4);
    await recorder.port.add(5, 5);
    expect(recorder.port.name).toBe('port');
    expect(recorder.count('add')).toBe(2);
    expect(recorder.callsOf('add').map((c) => c.args)).toEqual([
      [1, 2],
      [5, 5],
    ]);
    recorder.reset();
    expect(recorder.calls).toEqual([]);
  });
});

describe('createScriptedAnalyzer', () => {
  it('answers per user, records inputs and rejects when aborted', async () => {
    const analyzer = createScriptedAnalyzer();
    analyzer.script(
      { action: 'buy', confidence: 80, entryPrice: 100, stopLoss: 99, takeProfit: 101 },
      'alice',
    );
    expect((await analyzer.analyze(createAnalysisInput({ userId: 'alice' }))).action).toBe('buy');
    expect((await analyzer.analyze(createAnalysisInput({ userId: 'bob' }))).action).toBe('hold');
    expect(analyzer.inputs.map((i) => i.userId)).toEqual(['alice', 'bob']);

    analyzer.script(() => new Promise(() => {}));
    const controller = new AbortController();
    const pending = analyzer.analyze(createAnalysisInput(), { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});
