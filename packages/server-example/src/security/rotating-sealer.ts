import type { TextSealer } from './sealed-text';

/**
 * A sealer during a key rotation: seals under the current key, opens under the current key and,
 * when that fails, under the previous one (`CREDENTIALS_KEY_PREVIOUS`).
 */
export interface RotatingSealer extends TextSealer {
  /**
   * The same text sealed under the current key, or `null` when `sealed` already is.
   * @throws AuthenticationError when no key opens it.
   */
  reseal(userId: string, sealed: string): string | null;
}

export function createRotatingSealer(current: TextSealer, previous?: TextSealer): RotatingSealer {
  return {
    seal: current.seal,
    open(userId, sealed) {
      try {
        return current.open(userId, sealed);
      } catch (error) {
        // GCM's tag check fails fast under the wrong key: the previous one is tried only then.
        if (!previous) throw error;
        return previous.open(userId, sealed);
      }
    },
    reseal(userId, sealed) {
      try {
        current.open(userId, sealed);
        return null;
      } catch (error) {
        if (!previous) throw error;
        return current.seal(userId, previous.open(userId, sealed));
      }
    },
  };
}
