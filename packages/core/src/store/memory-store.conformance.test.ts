import { runStoreConformance } from '../testing/store-conformance';
import { createMemoryStore } from './memory-store';

runStoreConformance({
  name: 'memory store',
  create: async ({ clock }) => createMemoryStore({ clock }),
});
