/**
 * Early verdicts: a labelled bank of runs ({@link org.grokscope.forecast.Bank}), and the evaluation of candidate
 * signals and a combined predictor as forecasts of generalization, cross-validated by leaving whole operations out
 * ({@link org.grokscope.forecast.ForecastEval}). May use analysis, config and train (a run's status and evaluations);
 * report and cli use it.
 */
package org.grokscope.forecast;
