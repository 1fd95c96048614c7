/**
 * Early verdicts: a labelled bank of runs ({@link org.grokscope.forecast.Bank}), and the evaluation of candidate
 * signals and a combined predictor as forecasts of generalization, cross-validated by leaving whole operations out
 * ({@link org.grokscope.forecast.ForecastEval}), each signal also judged as an alarm
 * ({@link org.grokscope.forecast.Alarms}). May use analysis, config, train (a run's status and evaluations) and run
 * (metrics.csv through its one reader); report and cli use it.
 */
package org.grokscope.forecast;
