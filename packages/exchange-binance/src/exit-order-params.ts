import {
  type DecimalString,
  dec,
  type ExitRequest,
  InvalidOrderError,
  type MarketRules,
  roundOrderPrice,
} from '@trd/core';

/**
 * The stop-limit price when the caller gives none: a little past the trigger, so the stop still
 * fills when the price moves through it (below for a sell stop, above for a buy stop), on the tick.
 */
export function defaultStopLimit(
  rules: MarketRules,
  exitSide: ExitRequest['side'],
  stopLoss: DecimalString,
  offsetPercent: DecimalString,
): DecimalString {
  const offset = dec(offsetPercent).div(100);
  return exitSide === 'sell'
    ? roundOrderPrice(rules, dec(stopLoss).mul(dec(1).minus(offset)).toFixed(), 'down')
    : roundOrderPrice(rules, dec(stopLoss).mul(dec(1).plus(offset)).toFixed(), 'up');
}

/** Throws `InvalidOrderError` when the legs are on the wrong sides (Binance would answer -2010). */
export function assertExitGeometry(request: ExitRequest & { stopLimit: DecimalString }): void {
  const takeProfit = dec(request.takeProfit);
  const stopLoss = dec(request.stopLoss);
  const stopLimit = dec(request.stopLimit);
  const ok =
    request.side === 'sell'
      ? takeProfit.gt(stopLoss) && stopLimit.lte(stopLoss)
      : takeProfit.lt(stopLoss) && stopLimit.gte(stopLoss);
  if (!ok) {
    const expected =
      request.side === 'sell'
        ? 'take profit > stop loss >= stop limit'
        : 'take profit < stop loss <= stop limit';
    throw new InvalidOrderError(
      `${request.symbol}: a ${request.side} exit needs ${expected}; got take profit ${request.takeProfit}, stop loss ${request.stopLoss}, stop limit ${request.stopLimit}`,
    );
  }
}

/**
 * Binance takes an OCO only when the last price lies between its legs (a sell: take profit above,
 * stop below); otherwise -2010 "The relationship of the prices for the orders is not correct.".
 */
export function assertExitAroundPrice(request: ExitRequest, lastPrice: DecimalString): void {
  const last = dec(lastPrice);
  const ok =
    request.side === 'sell'
      ? dec(request.takeProfit).gt(last) && dec(request.stopLoss).lt(last)
      : dec(request.takeProfit).lt(last) && dec(request.stopLoss).gt(last);
  if (!ok) {
    const [above, below] =
      request.side === 'sell' ? ['take profit', 'stop loss'] : ['stop loss', 'take profit'];
    throw new InvalidOrderError(
      `${request.symbol}: the ${above} must be above the last price ${lastPrice} and the ${below} below it; got take profit ${request.takeProfit}, stop loss ${request.stopLoss}`,
    );
  }
}

/**
 * POST /api/v3/orderList/oco parameters. A long's exit (SELL): take profit LIMIT_MAKER above the
 * market, stop loss STOP_LOSS_LIMIT below. A short's exit (BUY) is the mirror: stop loss
 * STOP_LOSS_LIMIT above, take profit below as a TAKE_PROFIT_LIMIT triggered at and limited to the
 * take-profit price (the documented `belowType` values are the stop and take-profit types).
 */
export function exitOrderParams(request: ExitRequest & { stopLimit: DecimalString }): Record<string, string> {
  const common = {
    symbol: request.symbol,
    side: request.side === 'sell' ? 'SELL' : 'BUY',
    quantity: request.quantity,
    listClientOrderId: request.clientOrderId,
    newOrderRespType: 'FULL',
  };
  if (request.side === 'sell') {
    return {
      ...common,
      aboveType: 'LIMIT_MAKER',
      abovePrice: request.takeProfit,
      belowType: 'STOP_LOSS_LIMIT',
      belowStopPrice: request.stopLoss,
      belowPrice: request.stopLimit,
      belowTimeInForce: 'GTC',
    };
  }
  return {
    ...common,
    aboveType: 'STOP_LOSS_LIMIT',
    aboveStopPrice: request.stopLoss,
    abovePrice: request.stopLimit,
    aboveTimeInForce: 'GTC',
    belowType: 'TAKE_PROFIT_LIMIT',
    belowStopPrice: request.takeProfit,
    belowPrice: request.takeProfit,
    belowTimeInForce: 'GTC',
  };
}
