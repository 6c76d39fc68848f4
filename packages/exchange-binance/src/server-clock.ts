import type { Clock } from '@trd/core';

/**
 * The venue's time as seen from here: the injected clock plus the offset last measured against
 * Binance's `GET /api/v3/time` (ccxt's `loadTimeDifference`). Signed requests carry `now()`. The
 * offset starts at 0 and is measured again only after Binance answers -1021, so a healthy clock
 * costs no extra request.
 */
export class ServerClock {
  private offset = 0;
  private measuring: Promise<number> | undefined;

  constructor(
    private readonly clock: Clock,
    /** Binance's `serverTime`, ms. */
    private readonly fetchServerTime: () => Promise<number>,
  ) {}

  /** The timestamp to sign with. */
  now(): number {
    return this.clock.now() + this.offset;
  }

  /** Server time minus the local clock, ms, as last measured. */
  offsetMs(): number {
    return this.offset;
  }

  /**
   * Measures the offset again. Concurrent callers (several requests refused with -1021 at once)
   * share one `GET /api/v3/time`. Measured against the local time after the answer arrived, as
   * ccxt does: the estimate errs towards signing slightly behind the server, which recvWindow
   * tolerates, never ahead of it (Binance refuses 1000 ms ahead).
   */
  resync(): Promise<number> {
    this.measuring ??= this.fetchServerTime()
      .then((serverTime) => {
        this.offset = Math.round(serverTime - this.clock.now());
        return this.offset;
      })
      .finally(() => {
        this.measuring = undefined;
      });
    return this.measuring;
  }
}
