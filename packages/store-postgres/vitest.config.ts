import { packageProject } from '../../vitest.shared.ts';

// Real PostgreSQL servers and engine processes: generous limits for a busy 2-core machine.
export default packageProject('store-postgres', { testTimeout: 90_000, hookTimeout: 120_000 });
