import { type DecimalString, dec, type ExitRequest, type MarketRules, roundOrderPrice } from '@trd/core';

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

/**
 * POST /api/v3/orderList/oco parameters. A long's exit (SELL): take profit LIMIT_MAKER above the
 * market, stop loss STOP_LOSS_LIMIT below. A short's exit (BUY) is the mirror: stop loss
 * STOP_LOSS_LIMIT above, take profit below as a TAKE_PROFIT_LIMIT triggered at and limited to the
 * take-profit price (the documented `belowType` values are the stop and take-profit types).
 */
export function exitOrderParams(request: ExitRequest): Record<string, string> {
  const common = {
    symbol: request.symbol,
    side: request.side === 'sell' ? 'SELL' : 'BUY',
    quantity: request.quantity,
    listClientOrderId: request.clientOrderId,
    newOrderRespType: 'FULL',
  };
  // Without a stop limit the stop leg is a STOP_LOSS (a market order once triggered): it takes no
  // price and no timeInForce (rest-api.md, orderList/oco `belowPrice`/`belowTimeInForce`).
  if (request.stopLimit === undefined) {
    return request.side === 'sell'
      ? {
          ...common,
          aboveType: 'LIMIT_MAKER',
          abovePrice: request.takeProfit,
          belowType: 'STOP_LOSS',
          belowStopPrice: request.stopLoss,
        }
      : {
          ...common,
          aboveType: 'STOP_LOSS',
          aboveStopPrice: request.stopLoss,
          belowType: 'TAKE_PROFIT_LIMIT',
          belowStopPrice: request.takeProfit,
          belowPrice: request.takeProfit,
          belowTimeInForce: 'GTC',
        };
  }
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
