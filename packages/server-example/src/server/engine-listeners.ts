import type { TradingBotEventName, TradingBotEvents } from '@trd/core';
import type { TradingEngine } from './server-deps';

/** Listeners on the engine that come off together (`detach`), for what observes it alongside the server. */
export function engineListeners(engine: TradingEngine) {
  const offs: (() => void)[] = [];
  return {
    on<E extends TradingBotEventName>(name: E, listener: (...args: TradingBotEvents[E]) => void): void {
      engine.on(name, listener);
      offs.push(() => engine.off(name, listener));
    },
    detach(): void {
      for (const off of offs.splice(0)) off();
    },
  };
}
