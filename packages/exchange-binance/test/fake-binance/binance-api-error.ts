/** An error the fake answers with, in Binance's wire format `{ code, msg }` (errors.md). */
export class BinanceApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
  ) {
    super(`${code} ${msg}`);
  }
}

export const rejections = {
  mandatory: (name: string) =>
    new BinanceApiError(
      400,
      -1102,
      `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
    ),
  badSymbol: () => new BinanceApiError(400, -1121, 'Invalid symbol.'),
  badPrecision: (name: string) =>
    new BinanceApiError(400, -1111, `Parameter '${name}' has too much precision.`),
  filter: (filter: string) => new BinanceApiError(400, -1013, `Filter failure: ${filter}`),
  insufficientBalance: () =>
    new BinanceApiError(400, -2010, 'Account has insufficient balance for requested action.'),
  duplicate: () => new BinanceApiError(400, -2010, 'Duplicate order sent.'),
  priceRelationship: () =>
    new BinanceApiError(400, -2010, 'The relationship of the prices for the orders is not correct.'),
  orderMissing: () => new BinanceApiError(400, -2013, 'Order does not exist.'),
  listMissing: () => new BinanceApiError(400, -2011, 'Order list does not exist.'),
  unknownOrder: () => new BinanceApiError(400, -2011, 'Unknown order sent.'),
  invalidOrderType: () => new BinanceApiError(400, -1116, 'Invalid orderType.'),
  invalidSide: () => new BinanceApiError(400, -1117, 'Invalid side.'),
  badParameterCombination: () =>
    new BinanceApiError(400, -1128, 'Combination of optional parameters invalid.'),
};
