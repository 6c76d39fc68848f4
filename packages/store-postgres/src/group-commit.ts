/**
 * Group commit: concurrent calls of one statement share a round trip. On this kind of machine a
 * round trip to PostgreSQL costs far more than the rows it carries (the socket writes and reads
 * of one statement cost ~300 µs of system time, a row a few µs), so a cycle that opens 10,000
 * trades with 16 users in flight spends most of its time waiting on round trips, not on rows.
 *
 * How a call goes: when no statement of its kind is running, it runs alone, at once (no timer,
 * no added latency). While one runs, later calls queue; when it returns, the queue goes as ONE
 * statement. Each call still resolves only after its own rows are committed, so nothing a caller
 * does next (send the order, place the exit) runs before its write is durable: what the journal
 * promises is unchanged. Per call:
 * - rows of one call are never split (a call's write is all or nothing, as before);
 * - calls with the same key never share a statement (one row updated twice in one statement
 *   would keep only one of the changes): they run in order, in later groups;
 * - a group refused by PostgreSQL (any SQLSTATE: the statement was rolled back whole, e.g. a
 *   unique violation of one of its calls) is retried call by call with the one-call statement,
 *   so each caller gets exactly the answer, or the error, it would have got alone;
 * - a group whose outcome is unknown (the connection broke) fails every call with that error,
 *   as it would fail one call: nothing is retried that may have been written.
 */
export interface GroupedStatement<In, Out> {
  /**
   * Calls with the same key never run in one statement, unless `read`: then they share one slot
   * and its answer.
   */
  key(input: In): string;
  /**
   * A read: calls with the same key queued together get one answer. Safe because a group's
   * statement starts after every call in it was made, so each sees what was committed before it
   * asked (a call never shares the answer of a statement already running).
   */
  read?: boolean;
  /** Rows a call adds to a group (default 1); a group stops growing at `maxRows`. */
  rows?(input: In): number;
  maxRows: number;
  /** One call, its own statement. */
  one(input: In): Promise<Out>;
  /**
   * Several calls (distinct keys, sorted by key: one lock order), ONE statement. Returns each
   * call's result in the order given; an `Error` in a slot fails only that call.
   */
  many(inputs: readonly In[]): Promise<(Out | Error)[]>;
}

interface Waiting<In, Out> {
  input: In;
  key: string;
  resolve(value: Out): void;
  reject(error: unknown): void;
}

/** A function that runs `statement` for each call, grouping concurrent calls as described above. */
export function groupCommit<In, Out>(statement: GroupedStatement<In, Out>): (input: In) => Promise<Out> {
  const queue: Waiting<In, Out>[] = [];
  let running = false;
  const rowsOf = statement.rows ?? (() => 1);

  /** The next group: the oldest calls, FIFO, with distinct keys, up to `maxRows` (at least one call). */
  const nextGroup = (): Waiting<In, Out>[] => {
    const group: Waiting<In, Out>[] = [];
    const slots = new Map<string, Waiting<In, Out>>();
    let rows = 0;
    for (let i = 0; i < queue.length; ) {
      const call = queue[i] as Waiting<In, Out>;
      const slot = slots.get(call.key);
      if (slot && statement.read) {
        shareSlot(slot, call);
        queue.splice(i, 1);
        continue;
      }
      const size = rowsOf(call.input);
      if (group.length > 0 && rows + size > statement.maxRows) break;
      if (slot) {
        i++;
        continue;
      }
      slots.set(call.key, call);
      rows += size;
      group.push(call);
      queue.splice(i, 1);
    }
    return group.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  };

  const runAlone = async (call: Waiting<In, Out>) => {
    try {
      call.resolve(await statement.one(call.input));
    } catch (error) {
      call.reject(error);
    }
  };

  const runGroup = async (group: Waiting<In, Out>[]) => {
    if (group.length === 1) return runAlone(group[0] as Waiting<In, Out>);
    let results: (Out | Error)[];
    try {
      results = await statement.many(group.map((call) => call.input));
    } catch (error) {
      if (!rolledBack(error)) {
        for (const call of group) call.reject(error);
        return;
      }
      await Promise.all(group.map(runAlone));
      return;
    }
    group.forEach((call, i) => {
      const result = results[i] as Out | Error;
      if (result instanceof Error) call.reject(result);
      else call.resolve(result);
    });
  };

  const drain = async () => {
    running = true;
    try {
      while (queue.length > 0) await runGroup(nextGroup());
    } finally {
      running = false;
    }
  };

  return (input) =>
    new Promise<Out>((resolve, reject) => {
      queue.push({ input, key: statement.key(input), resolve, reject });
      if (!running) void drain();
    });
}

/** `call` gets whatever `slot` gets. */
function shareSlot<In, Out>(slot: Waiting<In, Out>, call: Waiting<In, Out>): void {
  const { resolve, reject } = slot;
  slot.resolve = (value) => {
    resolve(value);
    call.resolve(value);
  };
  slot.reject = (error) => {
    reject(error);
    call.reject(error);
  };
}

/**
 * True when PostgreSQL answered with an error (an SQLSTATE): the statement was rolled back whole.
 * A dropped connection or a timeout in the driver has no SQLSTATE: the statement may have been
 * committed before the answer was lost.
 */
function rolledBack(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}
