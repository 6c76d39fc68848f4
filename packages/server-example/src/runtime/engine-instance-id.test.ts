import { describe, expect, it } from 'vitest';
import { engineInstanceId } from './engine-instance-id';

describe('engineInstanceId', () => {
  it('is stable for a data directory and differs between directories', () => {
    expect(engineInstanceId('/var/lib/trd')).toBe(engineInstanceId('/var/lib/trd/'));
    expect(engineInstanceId('/var/lib/trd')).not.toBe(engineInstanceId('/var/lib/trd-2'));
    expect(engineInstanceId('/var/lib/trd')).toMatch(/^server-[0-9a-f]{16}$/);
  });
});
