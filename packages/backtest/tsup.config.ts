import { defineConfig } from 'tsup';

export default defineConfig({
  // The sweep's worker is its own file next to the bundle (run-sweep.ts loads ./sweep-worker.js).
  entry: { index: 'src/index.ts', 'sweep-worker': 'src/sweep/sweep-worker.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
