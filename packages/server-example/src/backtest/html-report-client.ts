/**
 * The page's own script (browser JavaScript, run once): reads the report data and draws the
 * three charts with lightweight-charts. The charts are kept on `window.trdReport` so a test
 * can ask them what they hold.
 */
export const HTML_REPORT_CLIENT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var LWC = window.LightweightCharts;
  var options = {
    layout: { background: { color: '#ffffff' }, textColor: '#333' },
    grid: { vertLines: { color: '#eee' }, horzLines: { color: '#eee' } },
    timeScale: { timeVisible: true, secondsVisible: false },
    autoSize: true,
  };
  function chart(id) { return LWC.createChart(document.getElementById(id), options); }
  var priceChart = chart('price-chart');
  var price = priceChart.addSeries(LWC.CandlestickSeries, {
    upColor: '#26a69a', downColor: '#ef5350', borderVisible: false,
    wickUpColor: '#26a69a', wickDownColor: '#ef5350',
  });
  price.setData(data.candles);
  var markers = LWC.createSeriesMarkers(price, data.markers);
  priceChart.timeScale().fitContent();
  var equityChart = chart('equity-chart');
  var equity = equityChart.addSeries(LWC.BaselineSeries, { baseValue: { type: 'price', price: data.startingBalance } });
  equity.setData(data.equity);
  equityChart.timeScale().fitContent();
  var drawdownChart = chart('drawdown-chart');
  var drawdown = drawdownChart.addSeries(LWC.AreaSeries, {
    lineColor: '#ef5350', topColor: 'rgba(239,83,80,0.05)', bottomColor: 'rgba(239,83,80,0.4)',
  });
  drawdown.setData(data.drawdown);
  drawdownChart.timeScale().fitContent();
  window.trdReport = { price: price, markers: markers, equity: equity, drawdown: drawdown };
})();
`;
