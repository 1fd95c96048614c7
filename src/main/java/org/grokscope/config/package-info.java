/**
 * What a run is: the typed run config ({@link org.grokscope.config.RunConfig}: records with a default for every key)
 * and its loader ({@link org.grokscope.config.ConfigLoader}: YAML or JSON, strict binding, --set overrides,
 * validation), whose every error names file, line and field or the --set that caused it. May use train, data and the
 * engine (for their enums); run, sweep, forecast, reproduce, bench, report, server, cli and spark use it.
 */
package org.grokscope.config;
