import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The file of lightweight-charts' standalone build (one script, defines `window.LightweightCharts`). */
export const LIGHTWEIGHT_CHARTS_STANDALONE = 'lightweight-charts.standalone.production.js';

/** lightweight-charts' `dist` folder in node_modules: the dashboard serves it, the HTML report inlines it. */
export function lightweightChartsDist(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('lightweight-charts/package.json')), 'dist');
}

/** The standalone build's source, to inline in a page that must work without a network. */
export function lightweightChartsStandaloneSource(): string {
  return readFileSync(join(lightweightChartsDist(), LIGHTWEIGHT_CHARTS_STANDALONE), 'utf8');
}
