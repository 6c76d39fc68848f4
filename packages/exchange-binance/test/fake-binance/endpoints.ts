/**
 * What each endpoint of the local Binance accepts and what it costs, from rest-api.md (line
 * numbers of binance/binance-spot-api-docs @ a5e0bc3d). A parameter not listed is refused with
 * -1104 (see `rejections.unreadParameters`), as Binance refuses a misspelled one.
 */

type Params = Record<string, string>;

export interface EndpointSpec {
  /** Request weight, by the documented conditions. */
  weight: (params: Params) => number;
  /** Every parameter the endpoint reads. */
  parameters: readonly string[];
  signed: boolean;
  /** rest-api.md:184-203: `TRADE` endpoints need a key that may trade; others need any valid key. */
  security?: 'TRADE';
}

// rest-api.md:205-224: every SIGNED request carries these.
const SIGNED = ['timestamp', 'recvWindow', 'signature'] as const;

export const ENDPOINTS: Record<string, EndpointSpec> = {
  // rest-api.md:730-748 `GET /api/v3/ping`: weight 1, no parameters.
  'GET /api/v3/ping': { weight: () => 1, parameters: [], signed: false },
  // rest-api.md:750-770 `GET /api/v3/time`: weight 1, no parameters.
  'GET /api/v3/time': { weight: () => 1, parameters: [], signed: false },
  // rest-api.md:774-797 `GET /api/v3/exchangeInfo`: weight 20.
  'GET /api/v3/exchangeInfo': {
    weight: () => 20,
    parameters: ['symbol', 'symbols', 'permissions', 'showPermissionSets', 'symbolStatus'],
    signed: false,
  },
  // rest-api.md:1115-1136 `GET /api/v3/klines`: weight 2.
  'GET /api/v3/klines': {
    weight: () => 2,
    parameters: ['symbol', 'interval', 'startTime', 'endTime', 'timeZone', 'limit'],
    signed: false,
  },
  // rest-api.md:1234-1248 `GET /api/v3/avgPrice`: weight 2.
  'GET /api/v3/avgPrice': { weight: () => 2, parameters: ['symbol'], signed: false },
  // rest-api.md:1644-1676 `GET /api/v3/ticker/price`: 2 for one symbol, 4 without or with `symbols`.
  'GET /api/v3/ticker/price': {
    weight: (params) => (params.symbol ? 2 : 4),
    parameters: ['symbol', 'symbols', 'symbolStatus'],
    signed: false,
  },
  // https://developers.binance.com/docs/wallet/account/api-key-permission
  // `GET /sapi/v1/account/apiRestrictions` (USER_DATA): weight 1, recvWindow and timestamp.
  'GET /sapi/v1/account/apiRestrictions': { weight: () => 1, parameters: [...SIGNED], signed: true },
  // rest-api.md:4174-4189 `GET /api/v3/account`: weight 20.
  'GET /api/v3/account': { weight: () => 20, parameters: ['omitZeroBalances', ...SIGNED], signed: true },
  // rest-api.md:2128-2165 `POST /api/v3/order`: weight 1.
  'POST /api/v3/order': {
    weight: () => 1,
    parameters: [
      'symbol',
      'side',
      'type',
      'timeInForce',
      'quantity',
      'quoteOrderQty',
      'price',
      'newClientOrderId',
      'strategyId',
      'strategyType',
      'stopPrice',
      'trailingDelta',
      'icebergQty',
      'newOrderRespType',
      'selfTradePreventionMode',
      'pegPriceType',
      'pegOffsetValue',
      'pegOffsetType',
      ...SIGNED,
    ],
    signed: true,
    security: 'TRADE',
  },
  // rest-api.md:4232-4252 `GET /api/v3/order`: weight 4.
  'GET /api/v3/order': {
    weight: () => 4,
    parameters: ['symbol', 'orderId', 'origClientOrderId', ...SIGNED],
    signed: true,
  },
  // rest-api.md:2380-2400 `DELETE /api/v3/order`: weight 1.
  'DELETE /api/v3/order': {
    weight: () => 1,
    parameters: [
      'symbol',
      'orderId',
      'origClientOrderId',
      'newClientOrderId',
      'cancelRestrictions',
      ...SIGNED,
    ],
    signed: true,
    security: 'TRADE',
  },
  // rest-api.md:4570-4595 `GET /api/v3/myTrades`: 20 without orderId, 5 with it.
  'GET /api/v3/myTrades': {
    weight: (params) => (params.orderId ? 5 : 20),
    parameters: ['symbol', 'orderId', 'startTime', 'endTime', 'fromId', 'limit', ...SIGNED],
    signed: true,
  },
  // rest-api.md:3223-3283 `POST /api/v3/orderList/oco`: weight 1.
  'POST /api/v3/orderList/oco': {
    weight: () => 1,
    parameters: [
      'symbol',
      'listClientOrderId',
      'side',
      'quantity',
      ...['above', 'below'].flatMap((leg) =>
        [
          'Type',
          'ClientOrderId',
          'IcebergQty',
          'Price',
          'StopPrice',
          'TrailingDelta',
          'TimeInForce',
          'StrategyId',
          'StrategyType',
          'PegPriceType',
          'PegOffsetType',
          'PegOffsetValue',
        ].map((name) => `${leg}${name}`),
      ),
      'newOrderRespType',
      'selfTradePreventionMode',
      ...SIGNED,
    ],
    signed: true,
    security: 'TRADE',
  },
  // rest-api.md:4400-4419 `GET /api/v3/orderList`: weight 4.
  'GET /api/v3/orderList': {
    weight: () => 4,
    parameters: ['orderListId', 'origClientOrderId', ...SIGNED],
    signed: true,
  },
  // rest-api.md:3940-3959 `DELETE /api/v3/orderList`: weight 1.
  'DELETE /api/v3/orderList': {
    weight: () => 1,
    parameters: ['symbol', 'orderListId', 'listClientOrderId', 'newClientOrderId', ...SIGNED],
    signed: true,
    security: 'TRADE',
  },
  // rest-api.md:4523-4538 `GET /api/v3/openOrderList`: weight 6.
  'GET /api/v3/openOrderList': { weight: () => 6, parameters: [...SIGNED], signed: true },
  // rest-api.md:4287-4302 `GET /api/v3/openOrders`: 6 for one symbol, 80 without.
  'GET /api/v3/openOrders': {
    weight: (params) => (params.symbol ? 6 : 80),
    parameters: ['symbol', ...SIGNED],
    signed: true,
  },
};

/** Parameters sent that the endpoint does not read (case matters: `timeInforce` is not `timeInForce`). */
export function unreadParameters(spec: EndpointSpec, params: Params): string[] {
  return Object.keys(params).filter((name) => !spec.parameters.includes(name));
}
