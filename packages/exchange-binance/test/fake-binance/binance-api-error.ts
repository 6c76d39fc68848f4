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

/** A `{ code, msg }` body, for answers a test chooses. */
export interface BinanceAnswer {
  code: number;
  msg: string;
}

// Every refusal cites its line in binance-spot-api-docs (errors.md unless said otherwise).
export const rejections = {
  // errors.md `### -1102 MANDATORY_PARAM_EMPTY_OR_MALFORMED`: "Mandatory parameter '%s' was not sent, was empty/null, or malformed."
  mandatory: (name: string) =>
    new BinanceApiError(
      400,
      -1102,
      `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
    ),
  // `### -1121 BAD_SYMBOL`: "Invalid symbol."
  badSymbol: () => new BinanceApiError(400, -1121, 'Invalid symbol.'),
  // `### -1111 BAD_PRECISION`: "Parameter '%s' has too much precision."
  badPrecision: (name: string) =>
    new BinanceApiError(400, -1111, `Parameter '${name}' has too much precision.`),
  // `### -1013 INVALID_MESSAGE`, messages under "Filter failures": "Filter failure: PRICE_FILTER" etc.
  filter: (filter: string) => new BinanceApiError(400, -1013, `Filter failure: ${filter}`),
  // "Messages for -1010 …, -2010 NEW_ORDER_REJECTED, …": "Account has insufficient balance for requested action."
  insufficientBalance: () =>
    new BinanceApiError(400, -2010, 'Account has insufficient balance for requested action.'),
  // Same table: "Duplicate order sent." — "The `clOrdId` is already in use."
  duplicate: () => new BinanceApiError(400, -2010, 'Duplicate order sent.'),
  // Same table: "The relationship of the prices for the orders is not correct." (OCO price restrictions)
  priceRelationship: () =>
    new BinanceApiError(400, -2010, 'The relationship of the prices for the orders is not correct.'),
  // `### -2013 NO_SUCH_ORDER`: "Order does not exist." — a query of an order (or, errors.md listing
  // nothing of its own for lists, an order list) the venue does not know.
  orderMissing: () => new BinanceApiError(400, -2013, 'Order does not exist.'),
  // `### -2011 CANCEL_REJECTED` with "Unknown order sent." — "The order (by either `orderId`,
  // `clOrdId`, `origClOrdId`) could not be found": a cancel of an unknown or finished order (list).
  unknownOrder: () => new BinanceApiError(400, -2011, 'Unknown order sent.'),
  // `### -1116 INVALID_ORDER_TYPE`: "Invalid orderType."
  invalidOrderType: () => new BinanceApiError(400, -1116, 'Invalid orderType.'),
  // `### -1117 INVALID_SIDE`: "Invalid side."
  invalidSide: () => new BinanceApiError(400, -1117, 'Invalid side.'),
  // `### -1128 OPTIONAL_PARAMS_BAD_COMBO`: "Combination of optional parameters invalid."
  badParameterCombination: () =>
    new BinanceApiError(400, -1128, 'Combination of optional parameters invalid.'),
};

/**
 * Other answers Binance gives to a lookup or cancel of an unknown order or order list: a test
 * starts the fake with one (`notFoundAnswer`) to answer every not-found with it instead of the
 * documented `orderMissing` / `unknownOrder`.
 */
export const NOT_FOUND_ANSWERS = {
  /** Field report for GET orderList of an unknown list (binance-spot-api-docs pull request #43; not in errors.md). */
  orderListDoesNotExist: { code: -2018, msg: 'Order list does not exist.' },
  /** The same message under CANCEL_REJECTED, as seen on DELETE orderList. */
  orderListCancelRejected: { code: -2011, msg: 'Order list does not exist.' },
  /** errors.md, -2011 CANCEL_REJECTED "Unknown order sent.", for queries too. */
  unknownOrderSent: { code: -2011, msg: 'Unknown order sent.' },
  /** errors.md `### -2013 NO_SUCH_ORDER`, for cancels too. */
  orderDoesNotExist: { code: -2013, msg: 'Order does not exist.' },
  /** errors.md `### -2026 ORDER_ARCHIVED` (CHANGELOG.md: what a query of an order archived after 90 days answers). */
  orderArchived: {
    code: -2026,
    msg: 'Order was canceled or expired with no executed qty over 90 days ago and has been archived.',
  },
} as const satisfies Record<string, BinanceAnswer>;
