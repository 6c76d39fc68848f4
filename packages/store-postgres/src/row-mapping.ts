import {
  type AnalysisRecord,
  analysisRecordSchema,
  type DecimalString,
  type DustHolding,
  dec,
  isDecimalString,
  type OpenPosition,
  type OrderIntent,
  type PortfolioStats,
  type Signal,
  type Trade,
  type TradingConfig,
  toDecimalString,
  winRate,
} from '@trd/core';
import type {
  AnalysisRecordRow,
  OpenPositionRow,
  OrderIntentRow,
  PortfolioDustRow,
  PortfolioRow,
  TradeRow,
  TradingConfigRow,
} from './entities';
import { MONEY_PRECISION, MONEY_SCALE } from './entities/column-types';
import { invalidInput } from './store-errors';

// Rows -> domain objects: fresh plain objects (copies), numeric columns back to canonical
// decimal strings ('0.000010000000000000' -> '0.00001'), nulls to absent fields.

/**
 * Checks that a decimal string fits a `numeric(36,18)` column exactly. PostgreSQL would round
 * extra decimals silently; for money that is a loss, so the write is refused instead.
 */
/** The first amount too large for `numeric(36,18)`: 10^18. */
const MONEY_LIMIT = dec(10).pow(MONEY_PRECISION - MONEY_SCALE);

export function moneyValue(field: string, value: DecimalString): string {
  if (!isDecimalString(value))
    throw invalidInput(`${field} must be a decimal string, got ${JSON.stringify(value)}`);
  const d = dec(value);
  if (d.decimalPlaces() > MONEY_SCALE)
    throw invalidInput(`${field} ${value} has more than ${MONEY_SCALE} decimals`);
  if (d.abs().gte(MONEY_LIMIT)) throw invalidInput(`${field} ${value} is too large to store`);
  return value;
}

function optionalMoneyValue(field: string, value: DecimalString | undefined): string | null {
  return value === undefined ? null : moneyValue(field, value);
}

/** PostgreSQL's text of a `numeric`: plain notation, no exponent, e.g. `-12.340000000000000000`. */
const PLAIN_NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * A numeric column's text in core's canonical form (what `toDecimalString` gives): trailing
 * fractional zeros and a bare point dropped, no leading zeros, `-0` as `0`. Done on the string
 * (reads map thousands of amounts: decimal.js parsing was a tenth of a trade page's CPU); any
 * other form goes through decimal.js.
 */
export function decimalOut(value: string): DecimalString {
  if (!PLAIN_NUMERIC.test(value)) return toDecimalString(value);
  // One pass over the characters, no intermediate strings: the digits kept are [start, end).
  const negative = value.charCodeAt(0) === 45; // '-'
  let start = negative ? 1 : 0;
  let end = value.length;
  const point = value.indexOf('.');
  if (point !== -1) {
    while (value.charCodeAt(end - 1) === 48) end -= 1; // trailing '0'
    if (end - 1 === point) end = point; // bare '.'
  }
  const integerEnd = point === -1 || point > end ? end : point;
  while (start < integerEnd - 1 && value.charCodeAt(start) === 48) start += 1; // leading '0'
  const digits = start === 0 && end === value.length ? value : value.slice(start, end);
  if (digits === '0') return '0';
  return negative ? `-${digits}` : digits;
}
const optionalDecimalOut = (value: string | null): DecimalString | undefined =>
  value === null ? undefined : decimalOut(value);

export function configToRow(config: TradingConfig, updatedAt: number): TradingConfigRow {
  return { ...config, updatedAt };
}

export function rowToConfig(row: TradingConfigRow): TradingConfig {
  return {
    userId: row.userId,
    symbol: row.symbol,
    isActive: row.isActive,
    riskPercent: row.riskPercent,
    maxPositionPercent: row.maxPositionPercent,
    maxDailyTrades: row.maxDailyTrades,
    minConfidence: row.minConfidence,
    takeProfitPercent: row.takeProfitPercent,
    stopLossPercent: row.stopLossPercent,
  };
}

export function intentToRow(intent: OrderIntent): OrderIntentRow {
  return {
    clientOrderId: intent.clientOrderId,
    userId: intent.userId,
    kind: intent.kind,
    symbol: intent.symbol,
    side: intent.side,
    quantity: moneyValue('quantity', intent.quantity),
    tradeId: intent.tradeId,
    state: intent.state,
    confidence: intent.confidence ?? null,
    takeProfitPercent: intent.takeProfitPercent ?? null,
    stopLossPercent: intent.stopLossPercent ?? null,
    reason: intent.reason ?? null,
    error: intent.error ?? null,
    createdAt: intent.createdAt,
    updatedAt: intent.updatedAt,
  };
}

export function rowToIntent(row: OrderIntentRow): OrderIntent {
  const intent: OrderIntent = {
    clientOrderId: row.clientOrderId,
    userId: row.userId,
    kind: row.kind as OrderIntent['kind'],
    symbol: row.symbol,
    side: row.side as OrderIntent['side'],
    quantity: decimalOut(row.quantity),
    tradeId: row.tradeId,
    state: row.state as OrderIntent['state'],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  if (row.confidence !== null) intent.confidence = row.confidence;
  if (row.takeProfitPercent !== null) intent.takeProfitPercent = row.takeProfitPercent;
  if (row.stopLossPercent !== null) intent.stopLossPercent = row.stopLossPercent;
  if (row.reason !== null) intent.reason = row.reason;
  if (row.error !== null) intent.error = row.error;
  return intent;
}

export function tradeToRow(trade: Trade): TradeRow {
  return {
    id: trade.id,
    userId: trade.userId,
    symbol: trade.symbol,
    side: trade.side,
    status: trade.status,
    quantity: moneyValue('quantity', trade.quantity),
    entryPrice: moneyValue('entryPrice', trade.entryPrice),
    entryFee: moneyValue('entryFee', trade.entryFee),
    takeProfit: moneyValue('takeProfit', trade.takeProfit),
    stopLoss: moneyValue('stopLoss', trade.stopLoss),
    confidence: trade.confidence,
    clientOrderId: trade.clientOrderId,
    entryOrderId: trade.entryOrderId ?? null,
    exitRef: trade.exitRef ?? null,
    openedAt: trade.openedAt,
    closedAt: trade.closedAt ?? null,
    exitPrice: optionalMoneyValue('exitPrice', trade.exitPrice),
    exitFee: optionalMoneyValue('exitFee', trade.exitFee),
    exitReason: trade.exitReason ?? null,
    exitNote: trade.exitNote ?? null,
    exitQuantity: optionalMoneyValue('exitQuantity', trade.exitQuantity),
    entryQuoteAmount: optionalMoneyValue('entryQuoteAmount', trade.entryQuoteAmount),
    entryNetQuantity: optionalMoneyValue('entryNetQuantity', trade.entryNetQuantity),
    profitLoss: optionalMoneyValue('profitLoss', trade.profitLoss),
    profitLossPercent: optionalMoneyValue('profitLossPercent', trade.profitLossPercent),
    durationSeconds: trade.durationSeconds ?? null,
  };
}

export function rowToTrade(row: TradeRow): Trade {
  const trade: Trade = {
    id: row.id,
    userId: row.userId,
    symbol: row.symbol,
    side: row.side as Trade['side'],
    status: row.status as Trade['status'],
    quantity: decimalOut(row.quantity),
    entryPrice: decimalOut(row.entryPrice),
    entryFee: decimalOut(row.entryFee),
    takeProfit: decimalOut(row.takeProfit),
    stopLoss: decimalOut(row.stopLoss),
    confidence: row.confidence,
    clientOrderId: row.clientOrderId,
    openedAt: row.openedAt,
  };
  if (row.entryOrderId !== null) trade.entryOrderId = row.entryOrderId;
  if (row.exitRef !== null) trade.exitRef = row.exitRef;
  if (row.closedAt !== null) trade.closedAt = row.closedAt;
  const exitPrice = optionalDecimalOut(row.exitPrice);
  if (exitPrice !== undefined) trade.exitPrice = exitPrice;
  const exitFee = optionalDecimalOut(row.exitFee);
  if (exitFee !== undefined) trade.exitFee = exitFee;
  if (row.exitReason !== null) trade.exitReason = row.exitReason as NonNullable<Trade['exitReason']>;
  if (row.exitNote !== null) trade.exitNote = row.exitNote;
  const exitQuantity = optionalDecimalOut(row.exitQuantity);
  if (exitQuantity !== undefined) trade.exitQuantity = exitQuantity;
  const entryQuoteAmount = optionalDecimalOut(row.entryQuoteAmount);
  if (entryQuoteAmount !== undefined) trade.entryQuoteAmount = entryQuoteAmount;
  const entryNetQuantity = optionalDecimalOut(row.entryNetQuantity);
  if (entryNetQuantity !== undefined) trade.entryNetQuantity = entryNetQuantity;
  const profitLoss = optionalDecimalOut(row.profitLoss);
  if (profitLoss !== undefined) trade.profitLoss = profitLoss;
  const profitLossPercent = optionalDecimalOut(row.profitLossPercent);
  if (profitLossPercent !== undefined) trade.profitLossPercent = profitLossPercent;
  if (row.durationSeconds !== null) trade.durationSeconds = row.durationSeconds;
  return trade;
}

/**
 * The protection columns of a position, refused when they contradict each other (the table's
 * check constraint says the same, but this names the field).
 */
function protectionColumns(
  position: OpenPosition,
): Pick<OpenPositionRow, 'protection' | 'exitRef' | 'unprotectedSince'> {
  const { protection, exitRef, unprotectedSince } = position;
  const what = `position of trade ${position.tradeId}`;
  if (protection === 'protected') {
    if (!exitRef) throw invalidInput(`${what}: a protected position needs its exitRef`);
    if (unprotectedSince !== undefined)
      throw invalidInput(`${what}: a protected position has no unprotectedSince`);
    return { protection, exitRef, unprotectedSince: null };
  }
  if (exitRef !== undefined) throw invalidInput(`${what}: an unprotected position has no exitRef`);
  if (unprotectedSince === undefined)
    throw invalidInput(`${what}: an unprotected position needs unprotectedSince`);
  return { protection, exitRef: null, unprotectedSince };
}

export function positionToRow(position: OpenPosition): OpenPositionRow {
  return {
    ...protectionColumns(position),
    tradeId: position.tradeId,
    userId: position.userId,
    symbol: position.symbol,
    side: position.side,
    quantity: moneyValue('quantity', position.quantity),
    entryPrice: moneyValue('entryPrice', position.entryPrice),
    takeProfit: moneyValue('takeProfit', position.takeProfit),
    stopLoss: moneyValue('stopLoss', position.stopLoss),
    openedAt: position.openedAt,
  };
}

export function rowToPosition(row: OpenPositionRow): OpenPosition {
  const position: OpenPosition = {
    tradeId: row.tradeId,
    userId: row.userId,
    symbol: row.symbol,
    side: row.side as OpenPosition['side'],
    quantity: decimalOut(row.quantity),
    entryPrice: decimalOut(row.entryPrice),
    takeProfit: decimalOut(row.takeProfit),
    stopLoss: decimalOut(row.stopLoss),
    protection: row.protection as OpenPosition['protection'],
    openedAt: row.openedAt,
  };
  if (row.exitRef !== null) position.exitRef = row.exitRef;
  if (row.unprotectedSince !== null) position.unprotectedSince = row.unprotectedSince;
  return position;
}

export function rowToDust(row: PortfolioDustRow): DustHolding {
  return {
    symbol: row.symbol,
    asset: row.asset,
    quantity: decimalOut(row.quantity),
    cost: decimalOut(row.cost),
  };
}

/** The portfolio row with the user's dust rows, sorted by symbol as JavaScript compares strings. */
export function rowToPortfolio(row: PortfolioRow, dust: readonly PortfolioDustRow[]): PortfolioStats {
  return {
    userId: row.userId,
    totalTrades: row.totalTrades,
    winningTrades: row.winningTrades,
    losingTrades: row.losingTrades,
    // From the counts, so it is the same number whatever the column's rounding.
    winRate: winRate(row.winningTrades, row.totalTrades) * 100,
    totalRealizedPnl: decimalOut(row.totalRealizedPnl),
    totalFees: decimalOut(row.totalFees),
    dust: dust.map(rowToDust).sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)),
    updatedAt: row.updatedAt,
  };
}

export function analysisToRow(record: AnalysisRecord): AnalysisRecordRow {
  const { signal } = record;
  return {
    id: record.id,
    userId: record.userId,
    symbol: record.symbol,
    analyzer: record.analyzer,
    action: signal.action,
    confidence: signal.confidence,
    entryPrice: signal.entryPrice ?? null,
    stopLoss: signal.stopLoss ?? null,
    takeProfit: signal.takeProfit ?? null,
    reasoning: signal.reasoning ?? null,
    price: record.price,
    model: signal.usage?.model ?? null,
    latencyMs: signal.usage?.latencyMs ?? null,
    inputTokens: signal.usage?.inputTokens ?? null,
    outputTokens: signal.usage?.outputTokens ?? null,
    totalTokens: signal.usage?.totalTokens ?? null,
    rawAnswer: signal.usage?.rawAnswer ?? null,
    cached: signal.usage?.cached ?? null,
    costUsd: signal.usage?.costUsd ?? null,
    mode: record.mode ?? null,
    inputHash: record.inputHash ?? null,
    modelSignal: record.modelSignal === undefined ? null : JSON.stringify(record.modelSignal),
    policy: record.policy === undefined ? null : JSON.stringify(record.policy),
    verdict: record.verdict === undefined ? null : JSON.stringify(record.verdict),
    tradeId: record.tradeId ?? null,
    clientOrderId: record.clientOrderId ?? null,
    createdAt: record.createdAt,
  };
}

export function rowToAnalysis(row: AnalysisRecordRow): AnalysisRecord {
  const signal: Signal = { action: row.action as Signal['action'], confidence: row.confidence };
  if (row.entryPrice !== null) signal.entryPrice = row.entryPrice;
  if (row.stopLoss !== null) signal.stopLoss = row.stopLoss;
  if (row.takeProfit !== null) signal.takeProfit = row.takeProfit;
  if (row.reasoning !== null) signal.reasoning = row.reasoning;
  if (row.model !== null && row.latencyMs !== null) {
    const usage: NonNullable<Signal['usage']> = { model: row.model, latencyMs: row.latencyMs };
    if (row.inputTokens !== null) usage.inputTokens = row.inputTokens;
    if (row.outputTokens !== null) usage.outputTokens = row.outputTokens;
    if (row.totalTokens !== null) usage.totalTokens = row.totalTokens;
    if (row.rawAnswer !== null) usage.rawAnswer = row.rawAnswer;
    if (row.cached !== null) usage.cached = row.cached;
    if (row.costUsd !== null) usage.costUsd = row.costUsd;
    signal.usage = usage;
  }
  const record: AnalysisRecord = {
    id: row.id,
    userId: row.userId,
    symbol: row.symbol,
    analyzer: row.analyzer,
    signal,
    price: row.price,
    createdAt: row.createdAt,
  };
  // The decision parts, each as the domain's schema reads it (a row it cannot read is left out).
  const decision = analysisRecordSchema.partial().safeParse({
    mode: row.mode ?? undefined,
    inputHash: row.inputHash ?? undefined,
    modelSignal: parseJson(row.modelSignal),
    policy: parseJson(row.policy),
    verdict: parseJson(row.verdict),
    tradeId: row.tradeId ?? undefined,
    clientOrderId: row.clientOrderId ?? undefined,
  });
  if (decision.success) {
    for (const [key, value] of Object.entries(decision.data))
      if (value !== undefined) (record as Record<string, unknown>)[key] = value;
  }
  return record;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
