package org.grokscope.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.grokscope.config.ConfigException;
import org.grokscope.sweep.RunExecutor;

/** {@code --executor spark}, found by the service loader (META-INF/services) when this module is on the class path. */
public final class SparkExecutors implements RunExecutor.Factory {
    @Override
    public String name() {
        return "spark";
    }

    @Override
    public RunExecutor create(Map<String, String> options) throws ConfigException {
        Map<String, String> conf = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (e.getKey().startsWith("spark-conf:"))
                conf.put(e.getKey().substring("spark-conf:".length()), e.getValue());
            else if (!e.getKey().equals("master") && !e.getKey().equals("shared"))
                throw new ConfigException("--executor spark: unknown option --" + e.getKey());
        }
        return new SparkExecutor(new SparkExecutor.Settings(options.get("master"), options.get("shared"), conf));
    }
}
