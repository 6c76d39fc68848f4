// The sweep's worker when TRD runs from its TypeScript sources (tests, `pnpm backtest` through tsx):
// Node 20 does not apply `--import` loaders to worker threads, so the worker loads its TypeScript
// through tsx's API itself. Built packages use dist/sweep-worker.js instead.
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport('./sweep-worker.ts', import.meta.url);

export default worker.default;
