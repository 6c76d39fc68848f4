import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit';

/** A statement whose groups are recorded; `refuse` makes a group fail as PostgreSQL or as a dropped connection would. */
function recordingStatement(
  options: { maxRows?: number; refuse?: (inputs: readonly string[]) => unknown; read?: boolean } = {},
) {
  const groups: string[][] = [];
  const alone: string[] = [];
  const run = groupCommit<string, string>({
    key: (input) => input.split(':')[0] as string,
    rows: (input) => (input.endsWith('+') ? 3 : 1),
    maxRows: options.maxRows ?? 100,
    ...(options.read ? { read: true } : {}),
    one: async (input) => {
      alone.push(input);
      await Promise.resolve();
      if (input.startsWith('bad'))
        throw Object.assign(new Error('refused'), { code: '23505', severity: 'ERROR' });
      return `one(${input})`;
    },
    many: async (inputs) => {
      groups.push([...inputs]);
      await new Promise((resolve) => setTimeout(resolve, 1));
      const refusal = options.refuse?.(inputs);
      if (refusal) throw refusal;
      return inputs.map((input) =>
        input.startsWith('missing') ? new Error(`no ${input}`) : `many(${input})`,
      );
    },
  });
  return { run, groups, alone };
}

const settle = (promises: Promise<string>[]) =>
  Promise.allSettled(promises).then((results) =>
    results.map((result) =>
      result.status === 'fulfilled' ? result.value : `error: ${result.reason.message}`,
    ),
  );

describe('groupCommit', () => {
  it('runs a call alone at once, and the calls that came meanwhile as one group, sorted by key', async () => {
    const { run, groups, alone } = recordingStatement();
    const answers = await settle(['a', 'd', 'c', 'b'].map(run));
    expect(alone).toEqual(['a']);
    expect(groups).toEqual([['b', 'c', 'd']]);
    expect(answers).toEqual(['one(a)', 'many(d)', 'many(c)', 'many(b)']);
  });

  it('never puts two calls with one key in a statement: they run in order, in later groups', async () => {
    const { run, groups, alone } = recordingStatement();
    const answers = await settle(['x', 'k:1', 'k:2', 'm', 'k:3'].map(run));
    expect(groups).toEqual([['k:1', 'm']]);
    expect(alone).toEqual(['x', 'k:2', 'k:3']);
    expect(answers).toEqual(['one(x)', 'many(k:1)', 'one(k:2)', 'many(m)', 'one(k:3)']);
  });

  it('reads: calls with one key queued together share one slot and its answer, never a running one', async () => {
    const { run, groups, alone } = recordingStatement({ read: true });
    const first = run('k:0');
    // Queued while k:0 runs alone: it must not get that statement's answer (it may predate a write).
    const answers = await settle([first, ...['k:1', 'm', 'k:2'].map(run)]);
    expect(alone).toEqual(['k:0']);
    expect(groups).toEqual([['k:1', 'm']]);
    expect(answers).toEqual(['one(k:0)', 'many(k:1)', 'many(m)', 'many(k:1)']);
  });

  it('reads: a shared slot that fails fails every call sharing it', async () => {
    const { run } = recordingStatement({ read: true });
    const answers = await settle(['x', 'missing:1', 'missing:2', 'y'].map(run));
    expect(answers).toEqual(['one(x)', 'error: no missing:1', 'error: no missing:1', 'many(y)']);
  });

  it('stops a group at maxRows, never splitting a call', async () => {
    const { run, groups } = recordingStatement({ maxRows: 4 });
    await settle(['first', 'a+', 'b', 'c+', 'd'].map(run));
    // a+ (3 rows) and b (1) fill the first group; c+ and d the next.
    expect(groups).toEqual([
      ['a+', 'b'],
      ['c+', 'd'],
    ]);
  });

  it('fails only the call whose slot holds an error', async () => {
    const { run } = recordingStatement();
    expect(await settle(['first', 'ok', 'missing'].map(run))).toEqual([
      'one(first)',
      'many(ok)',
      'error: no missing',
    ]);
  });

  it('retries a group PostgreSQL refused call by call, so each caller gets its own answer', async () => {
    const refusal = Object.assign(new Error('duplicate key'), { code: '23505', severity: 'ERROR' });
    const { run, alone } = recordingStatement({ refuse: () => refusal });
    expect(await settle(['first', 'bad', 'good'].map(run))).toEqual([
      'one(first)',
      'error: refused',
      'one(good)',
    ]);
    expect(alone.sort()).toEqual(['bad', 'first', 'good']);
  });

  it('fails every call of a group whose outcome is unknown, retrying nothing that may be written', async () => {
    const dropped = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    const { run, alone } = recordingStatement({ refuse: () => dropped });
    expect(await settle(['first', 'p', 'q'].map(run))).toEqual([
      'one(first)',
      'error: Connection terminated unexpectedly',
      'error: Connection terminated unexpectedly',
    ]);
    expect(alone).toEqual(['first']);
  });

  it('keeps serving after a failed group', async () => {
    const { run } = recordingStatement({
      refuse: (inputs) => (inputs.includes('p') ? new Error('lost') : undefined),
    });
    await settle(['first', 'p', 'q'].map(run));
    expect(await settle(['r', 's', 't'].map(run))).toEqual(['one(r)', 'many(s)', 'many(t)']);
  });
});
