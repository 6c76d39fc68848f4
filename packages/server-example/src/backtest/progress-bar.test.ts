import { describe, expect, it } from 'vitest';
import { createProgressBar } from './progress-bar';

describe('createProgressBar', () => {
  it('redraws in place as the bar moves and ends the line when complete', () => {
    const output: string[] = [];
    const progress = createProgressBar((text) => output.push(text), 'sweep', 10);
    for (let done = 1; done <= 20; done++) progress(done, 20);
    // Drawn when the bar grows a step (10 steps) and once more when it is full.
    expect(output).toHaveLength(11);
    expect(output[0]).toBe('\rsweep [#.........] 1/20');
    expect(output[1]).toBe('\rsweep [##........] 3/20');
    expect(output.at(-1)).toBe('\rsweep [##########] 20/20\n');
  });
});
