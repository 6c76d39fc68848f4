import { parseModelAnswer } from '../analysis/model-answer';
import type { Analyzer } from '../ports/analyzer';
import { runAnalyzerConformance } from './analyzer-conformance';

/**
 * The smallest model-backed analyzer: core's parser over a canned answer. Running the suite's
 * model-output half against it checks that the suite and `parseModelAnswer` agree.
 */
function cannedAnswerAnalyzer(answer: (price: number) => string): Analyzer {
  return {
    specificationVersion: 'v1',
    name: 'canned',
    async analyze(input, options = {}) {
      options.signal?.throwIfAborted();
      return parseModelAnswer(answer(input.market.price), input, { model: 'canned', latencyMs: 0 });
    },
  };
}

runAnalyzerConformance({
  name: 'canned model answers',
  create: () =>
    cannedAnswerAnalyzer((price) =>
      JSON.stringify({
        signal: 'sell',
        confidence: 70,
        entry_price: price,
        stop_loss: price * 1.005,
        take_profit: price * 0.997,
        reasoning: 'canned',
      }),
    ),
  withModelOutput: (text) => cannedAnswerAnalyzer(() => text),
});
