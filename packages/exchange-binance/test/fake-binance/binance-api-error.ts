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
  // errors.md:388, the -2010 table: "This account may not place or cancel orders." — "the account has
  // trading ability disabled" (`canTrade: false` in `GET /api/v3/account`).
  tradingDisabled: () => new BinanceApiError(400, -2010, 'This account may not place or cancel orders.'),
  // errors.md:341-342 `### -2015 REJECTED_MBX_KEY`: a key without the endpoint's permission
  // (rest-api.md:186-196: "By default, an API key cannot `TRADE`").
  rejectedKey: () => new BinanceApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
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
  // errors.md:93-95 `### -1104 UNREAD_PARAMETERS`: "Not all sent parameters were read; read '%s'
  // parameter(s) but was sent '%s'." — what REST answers a misspelled or unknown parameter (field
  // reports: ccxt/ccxt#3784, binance/binance-connector-python#172 for `timeInforce`).
  unreadParameters: (read: number, sent: number) =>
    new BinanceApiError(
      400,
      -1104,
      `Not all sent parameters were read; read '${read}' parameter(s) but was sent '${sent}'.`,
    ),
  // errors.md:72-74 `### -1100 ILLEGAL_CHARS`: "Illegal characters found in parameter '%s'; legal range is '%s'."
  illegalCharacters: (name: string, legalRange: string) =>
    new BinanceApiError(
      400,
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '${legalRange}'.`,
    ),
  // errors.md:101-103 `### -1106 PARAM_NOT_REQUIRED`: "Parameter '%s' sent when not required."
  notRequired: (name: string) =>
    new BinanceApiError(400, -1106, `Parameter '${name}' sent when not required.`),
  // errors.md:114-119 `### -1114 TIF_NOT_REQUIRED`, `### -1115 INVALID_TIF`.
  timeInForceNotRequired: () =>
    new BinanceApiError(400, -1114, 'TimeInForce parameter sent when not required.'),
  invalidTimeInForce: () => new BinanceApiError(400, -1115, 'Invalid timeInForce.'),
  // errors.md:188-190 `### -1158 OCO_ORDER_TYPE_REJECTED`: "Order type not supported in OCO."
  ocoTypeRejected: () => new BinanceApiError(400, -1158, 'Order type not supported in OCO.'),
  // errors.md:200-201 `### -1165`, errors.md:206-207 `### -1168`; errors.md:289-299 `### -1196`..`### -1199`:
  // which leg may sit above or below in an OCO of each side.
  buyLimitMustBeBelow: () => new BinanceApiError(400, -1165, 'A limit order in a buy OCO must be below.'),
  bothLegsLimit: () => new BinanceApiError(400, -1168, 'At least one OCO order must be contingent.'),
  buyStopMustBeAbove: () => new BinanceApiError(400, -1196, 'A stop loss order in a buy OCO must be above.'),
  sellStopMustBeBelow: () =>
    new BinanceApiError(400, -1197, 'A stop loss order in a sell OCO must be below.'),
  buyTakeProfitMustBeBelow: () =>
    new BinanceApiError(400, -1198, 'A take profit order in a buy OCO must be below.'),
  sellTakeProfitMustBeAbove: () =>
    new BinanceApiError(400, -1199, 'A take profit order in a sell OCO must be above.'),
  // errors.md:367-376, the -2010 table: "Market is closed." — "The symbol is not trading."
  marketClosed: () => new BinanceApiError(400, -2010, 'Market is closed.'),
  // errors.md:378-383, the -2010 table: "<type> orders are not supported for this symbol."
  typeNotSupported: (type: string) =>
    new BinanceApiError(
      400,
      -2010,
      `${ORDER_TYPE_NAMES[type] ?? type} orders are not supported for this symbol.`,
    ),
  // errors.md:394, the -2010 table: "OCO orders are not supported for this symbol"
  ocoNotSupported: () => new BinanceApiError(400, -2010, 'OCO orders are not supported for this symbol'),
  // errors.md:390, the -2010 table: "Order would trigger immediately." — a stop price on the wrong
  // side of the last price.
  wouldTriggerImmediately: () => new BinanceApiError(400, -2010, 'Order would trigger immediately.'),
  // errors.md:30-31 `### -1007 TIMEOUT`, and rest-api.md:102 (the API's 10 s backend timeout); a 5XX,
  // whose "execution status is UNKNOWN" (rest-api.md:116-118).
  backendTimeout: () =>
    new BinanceApiError(
      503,
      -1007,
      'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
    ),
};

/** errors.md:378-383: the wording of each type in "… orders are not supported for this symbol." */
const ORDER_TYPE_NAMES: Record<string, string> = {
  MARKET: 'Market',
  STOP_LOSS: 'Stop loss',
  STOP_LOSS_LIMIT: 'Stop loss limit',
  TAKE_PROFIT: 'Take profit',
  TAKE_PROFIT_LIMIT: 'Take profit limit',
  LIMIT: 'Limit',
  LIMIT_MAKER: 'Limit maker',
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
