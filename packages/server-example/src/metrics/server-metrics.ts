import type { Analyzer, Clock, Store } from '@trd/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { engineListeners } from '../server/engine-listeners';
import type { TradingEngine } from '../server/server-deps';

/**
 * What an operator watches, in Prometheus' text format (`GET /metrics`, see the README's
 * "Metrics"). Labels are low-cardinality on purpose: never a user id or a trade id, only stages,
 * reasons, actions, symbols and routes, so 10,000 users are still a handful of series.
 */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Counts the engine's events: cycles, signals, rejections, trades, errors. */
  observeEngine(engine: TradingEngine): () => void;
  /** The analyzer with every model call counted (calls, latency, tokens, cost). */
  meterAnalyzer(analyzer: Analyzer): Analyzer;
  /** One answered HTTP request (the route's pattern, never its raw URL). */
  observeHttp(request: { method: string; route: string; statusCode: number; seconds: number }): void;
  /** Read at each scrape. */
  setWebSocketConnections(count: () => number): void;
  /** Read at each scrape; a venue without a weight budget gives none. */
  setRequestWeight(read: (() => { usedWeight: number }) | undefined): void;
}

export function createServerMetrics(options: { store: Store; clock: Clock }): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'trd_process_' });
  const make = { registers: [registry] };

  const cycleDuration = new Histogram({
    ...make,
    name: 'trd_cycle_duration_seconds',
    help: 'How long a trading cycle took',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60],
  });
  const usersSeen = new Gauge({
    ...make,
    name: 'trd_cycle_users_seen',
    help: 'Active users this engine saw in its last cycle',
  });
  const usersAnalysed = new Counter({
    ...make,
    name: 'trd_users_analysed_total',
    help: 'Users analysed, summed over cycles',
  });
  const usersSkipped = new Counter({
    ...make,
    name: 'trd_users_skipped_total',
    help: 'Users a cycle skipped, by reason',
    labelNames: ['reason'],
  });
  const signals = new Counter({
    ...make,
    name: 'trd_signals_total',
    help: 'Signals users traded on, by action',
    labelNames: ['action'],
  });
  const rejections = new Counter({
    ...make,
    name: 'trd_trade_rejections_total',
    help: 'Risk rejections, by rule (one count per rule a rejection broke)',
    labelNames: ['rule'],
  });
  const opened = new Counter({
    ...make,
    name: 'trd_trades_opened_total',
    help: 'Entries filled and recorded, by symbol',
    labelNames: ['symbol'],
  });
  const closed = new Counter({
    ...make,
    name: 'trd_trades_closed_total',
    help: 'Trades closed, by exit reason',
    labelNames: ['reason'],
  });
  const reconciled = new Counter({
    ...make,
    name: 'trd_orders_reconciled_total',
    help: 'Orders of unknown outcome looked up again, by what was found',
    labelNames: ['outcome'],
  });
  const unprotectedEvents = new Counter({
    ...make,
    name: 'trd_positions_unprotected_total',
    help: 'Times a position was left without a working exit',
  });
  const errors = new Counter({
    ...make,
    name: 'trd_engine_errors_total',
    help: "The engine's error events, by stage",
    labelNames: ['stage'],
  });
  const modelLimited = new Counter({
    ...make,
    name: 'trd_model_limited_total',
    help: 'Model calls not made (budget or circuit breaker)',
  });
  const modelCalls = new Counter({
    ...make,
    name: 'trd_model_calls_total',
    help: 'Analyzer calls, by outcome (ok, cached, error)',
    labelNames: ['analyzer', 'outcome'],
  });
  const modelLatency = new Histogram({
    ...make,
    name: 'trd_model_latency_seconds',
    help: 'Analyzer call latency',
    labelNames: ['analyzer'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  });
  const modelTokens = new Counter({
    ...make,
    name: 'trd_model_tokens_total',
    help: 'Model tokens, by kind (input, output)',
    labelNames: ['analyzer', 'kind'],
  });
  const modelCost = new Counter({
    ...make,
    name: 'trd_model_cost_usd_total',
    help: 'What the model calls cost, US dollars (where the analyzer knows its prices)',
    labelNames: ['analyzer'],
  });
  const httpDuration = new Histogram({
    ...make,
    name: 'trd_http_request_duration_seconds',
    help: 'HTTP requests, by method, route pattern and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });

  let connections: () => number = () => 0;
  new Gauge({
    ...make,
    name: 'trd_websocket_connections',
    help: 'Open WebSocket connections',
    collect() {
      this.set(connections());
    },
  });
  let weight: (() => { usedWeight: number }) | undefined;
  new Gauge({
    ...make,
    name: 'trd_venue_request_weight_used',
    help: "Request weight used in the venue's current minute (Binance)",
    collect() {
      if (weight) this.set(weight().usedWeight);
    },
  });
  // Positions straight from the store at scrape time: what is true, not what events suggested.
  const positions = async () => options.store.openPositions();
  new Gauge({
    ...make,
    name: 'trd_open_positions',
    help: 'Open positions, by protection (protected, unprotected)',
    labelNames: ['protection'],
    async collect() {
      const all = await positions();
      const unprotected = all.filter((position) => position.protection === 'unprotected').length;
      this.set({ protection: 'protected' }, all.length - unprotected);
      this.set({ protection: 'unprotected' }, unprotected);
    },
  });
  new Gauge({
    ...make,
    name: 'trd_oldest_unprotected_position_seconds',
    help: 'How long the longest-unprotected open position has been without an exit (0: none)',
    async collect() {
      const now = options.clock.now();
      const since = (await positions())
        .filter((position) => position.protection === 'unprotected')
        .map((position) => position.unprotectedSince ?? position.openedAt);
      this.set(since.length === 0 ? 0 : Math.max(0, (now - Math.min(...since)) / 1000));
    },
  });

  return {
    registry,
    observeEngine(engine) {
      const listeners = engineListeners(engine);
      const on = listeners.on;
      on('cycle:end', (event) => {
        cycleDuration.observe(event.durationMs / 1000);
        usersSeen.set(event.usersSeen);
        usersAnalysed.inc(event.analysed);
        for (const [reason, count] of Object.entries(event.skipped)) usersSkipped.inc({ reason }, count ?? 0);
      });
      on('analysis', (event) => signals.inc({ action: event.signal.action }));
      on('trade:rejected', (event) => {
        for (const violation of event.violations) rejections.inc({ rule: violation.code });
      });
      on('trade:opened', (event) => opened.inc({ symbol: event.trade.symbol }));
      on('trade:closed', (event) => closed.inc({ reason: event.trade.exitReason ?? 'unknown' }));
      on('reconciled', (event) => reconciled.inc({ outcome: event.outcome }));
      on('position:unprotected', () => unprotectedEvents.inc());
      on('model:limited', () => modelLimited.inc());
      on('error', (event) => errors.inc({ stage: event.stage }));
      return listeners.detach;
    },
    meterAnalyzer(analyzer) {
      const labels = { analyzer: analyzer.name };
      return {
        ...analyzer,
        specificationVersion: analyzer.specificationVersion,
        name: analyzer.name,
        ...(analyzer.dependsOnUser !== undefined ? { dependsOnUser: analyzer.dependsOnUser } : {}),
        async analyze(input, callOptions) {
          const started = performance.now();
          try {
            const signal = await analyzer.analyze(input, callOptions);
            const usage = signal.usage;
            modelCalls.inc({ ...labels, outcome: usage?.cached ? 'cached' : 'ok' });
            modelLatency.observe(labels, (usage?.latencyMs ?? performance.now() - started) / 1000);
            if (usage?.inputTokens) modelTokens.inc({ ...labels, kind: 'input' }, usage.inputTokens);
            if (usage?.outputTokens) modelTokens.inc({ ...labels, kind: 'output' }, usage.outputTokens);
            if (usage?.costUsd) modelCost.inc(labels, usage.costUsd);
            return signal;
          } catch (error) {
            modelCalls.inc({ ...labels, outcome: 'error' });
            throw error;
          }
        },
      };
    },
    observeHttp({ method, route, statusCode, seconds }) {
      httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
    },
    setWebSocketConnections(count) {
      connections = count;
    },
    setRequestWeight(read) {
      weight = read;
    },
  };
}
