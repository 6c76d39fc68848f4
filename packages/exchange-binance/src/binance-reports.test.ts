import { describe, expect, it } from 'vitest';
import { type BinanceOrder, type BinanceOrderList, toExitReport } from './binance-reports';

function list(listOrderStatus: 'EXECUTING' | 'ALL_DONE'): BinanceOrderList {
  return {
    orderListId: 7,
    contingencyType: 'OCO',
    listStatusType: listOrderStatus === 'EXECUTING' ? 'EXEC_STARTED' : 'ALL_DONE',
    listOrderStatus,
    listClientOrderId: 'trd-exit',
    transactionTime: 1,
    symbol: 'BTCUSDT',
    orders: [],
  };
}

// GET order answers, as rest-api.md shows them: an untriggered stop has `workingTime: -1`.
function stop(status: string, extra: Partial<BinanceOrder> = {}): BinanceOrder {
  return {
    symbol: 'BTCUSDT',
    orderId: 1,
    clientOrderId: 'stop',
    type: 'STOP_LOSS_LIMIT',
    side: 'SELL',
    price: '62506.97',
    origQty: '0.004',
    executedQty: '0',
    cummulativeQuoteQty: '0',
    status,
    isWorking: false,
    workingTime: -1,
    ...extra,
  };
}

function limitMaker(status: string): BinanceOrder {
  return {
    symbol: 'BTCUSDT',
    orderId: 2,
    clientOrderId: 'tp',
    type: 'LIMIT_MAKER',
    side: 'SELL',
    executedQty: '0',
    status,
    isWorking: true,
    workingTime: 1,
  };
}

const triggeredStop = (status = 'NEW', executedQty = '0') =>
  stop(status, {
    isWorking: true,
    workingTime: 1_726_884_030_000,
    executedQty,
    cummulativeQuoteQty: executedQty === '0' ? '0' : '62.50697',
  });

describe('toExitReport', () => {
  it.each([
    ['both legs waiting', list('EXECUTING'), [stop('NEW'), limitMaker('NEW')], { state: 'open' }],
    [
      'the stop triggered and resting, the list done',
      list('ALL_DONE'),
      [triggeredStop(), limitMaker('EXPIRED')],
      { state: 'triggered', leg: 'stop_loss' },
    ],
    [
      'the stop triggered and resting, the list still EXECUTING',
      list('EXECUTING'),
      [triggeredStop(), limitMaker('EXPIRED')],
      { state: 'triggered', leg: 'stop_loss' },
    ],
    [
      'the stop triggered and partly filled',
      list('ALL_DONE'),
      [triggeredStop('PARTIALLY_FILLED', '0.001'), limitMaker('EXPIRED')],
      {
        state: 'triggered',
        leg: 'stop_loss',
        fill: { status: 'partially_filled', executedQuantity: '0.001' },
      },
    ],
    [
      'the stop filled',
      list('ALL_DONE'),
      [triggeredStop('FILLED', '0.004'), limitMaker('EXPIRED')],
      { state: 'filled', leg: 'stop_loss' },
    ],
    [
      'the triggered stop cancelled after a partial fill',
      list('ALL_DONE'),
      [triggeredStop('CANCELED', '0.001'), limitMaker('EXPIRED')],
      { state: 'filled', leg: 'stop_loss', fill: { executedQuantity: '0.001' } },
    ],
    [
      'both legs cancelled',
      list('ALL_DONE'),
      [stop('CANCELED'), limitMaker('CANCELED')],
      { state: 'cancelled' },
    ],
  ])('%s', (_case, orderList, legs, expected) => {
    const report = toExitReport(orderList, legs);
    expect(report).toMatchObject(expected);
    if (expected.state !== 'filled' && !('fill' in expected)) expect(report.fill).toBeUndefined();
  });
});
