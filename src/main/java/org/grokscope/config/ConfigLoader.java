package org.grokscope.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.grokscope.data.Excerpt;

/**
 * Loads a {@link RunConfig} from YAML or JSON text (a file or a bundled preset), applies {@code key=value} overrides,
 * binds strictly (unknown keys and wrong types are errors) and validates. Every error names where it came from:
 * {@code file:line: path: message} or {@code --set path=value: message}.
 */
public final class ConfigLoader {
    // duplicate keys are errors, not "last one wins"
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigLoader() {}

    /** Source text with a label for messages ("runs/x/config.json", "preset modadd-mlp"). */
    public record Source(String label, String text, boolean json) {
        /**
         * The largest config file read: a run's config and the largest bundled sweep are under 2 KB. Checked before
         * parsing, since a YAML parser takes minutes and gigabytes on a file of tens of megabytes.
         */
        public static final long MAX_BYTES = 1 << 20;

        public static Source file(Path p) throws ConfigException {
            try {
                long size = Files.size(p);
                if (size > MAX_BYTES)
                    throw new ConfigException(String.format(
                            java.util.Locale.ROOT,
                            "%s: %,d bytes; a config file is at most %,d (a run's config is a few hundred bytes: "
                                    + "long lists of values belong in a sweep axis's range, data in a dataset file)",
                            p,
                            size,
                            MAX_BYTES));
                String t = Files.readString(p, StandardCharsets.UTF_8);
                if (t.startsWith("\uFEFF"))
                    t = t.substring(1); // a byte-order mark (Windows editors): not part of the config
                // an empty file is a mistake far more often than a request for every default
                if (t.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#") || l.equals("---")))
                    throw new ConfigException(
                            p
                                    + ": the file sets nothing (empty, or only comments); write at least 'name: ...', or write {} to train every default");
                return new Source(
                        p.toString(),
                        t,
                        p.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json"));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new ConfigException(p + ": no such file");
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new ConfigException(p + ": not a text file (not UTF-8); a config is YAML or JSON text");
            } catch (IOException e) {
                throw new ConfigException(p + ": cannot read: " + e.getMessage());
            }
        }

        /** A label for messages plus text whose format is detected (JSON if it starts with '{'). */
        public static Source text(String label, String text) {
            return new Source(label, text, text.stripLeading().startsWith("{"));
        }

        public static Source preset(String name) throws ConfigException {
            return resource("presets", name);
        }

        /** A bundled YAML: run presets live in "presets", sweep presets in "sweeps". */
        public static Source resource(String folder, String name) throws ConfigException {
            String kind = folder.equals("sweeps") ? "sweep preset" : "preset";
            try (InputStream in = ConfigLoader.class.getResourceAsStream("/" + folder + "/" + name + ".yaml")) {
                if (in == null)
                    throw new ConfigException(
                            "unknown " + kind + " '" + name + "'; run 'grokscope presets' for the list");
                return new Source(kind + " " + name, new String(in.readAllBytes(), StandardCharsets.UTF_8), false);
            } catch (IOException e) {
                throw new ConfigException(kind + " " + name + ": " + e.getMessage());
            }
        }
    }

    /** A value bound from a source, with the line of every key path (for later validation messages). */
    public record Bound<T>(T value, Source source, Map<String, Integer> lines) {
        public ConfigException error(String path, String message) {
            return new ConfigException(where(source, path, lines, Map.of()) + message);
        }
    }

    /** Strictly binds a source to a type (unknown keys and wrong types are errors); no validation. */
    public static <T> Bound<T> bind(Source src, Class<T> type) throws ConfigException {
        Map<String, Integer> lines = new HashMap<>();
        JsonNode tree = parse(src, lines);
        if (tree == null || tree.isNull() || tree.isMissingNode()) tree = Json.MAPPER.createObjectNode();
        if (!tree.isObject())
            throw new ConfigException(src.label() + ":1: the top level must be a mapping of keys to values");
        try {
            return new Bound<>(Json.MAPPER.treeToValue(tree, type), src, lines);
        } catch (JsonProcessingException e) {
            throw new ConfigException(describeBindError(src, e, lines, Map.of()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(src.label() + ": " + e.getMessage());
        }
    }

    private static final String WHOLE_NUMBER = "expected a whole number";

    /**
     * Whether the run config's field at {@code key} holds whole numbers only (a sweep rounds a range's values for such
     * a field, and gives any other numeric field decimals whatever its endpoints look like).
     */
    public static boolean takesWholeNumbers(Source base, String key) {
        try {
            load(base, List.of(key + "=0.5"));
            return false;
        } catch (ConfigException e) {
            return e.getMessage().contains(WHOLE_NUMBER);
        }
    }

    public static RunConfig load(Source src, List<String> overrides) throws ConfigException {
        Map<String, Integer> lines = new HashMap<>();
        JsonNode tree = parse(src, lines);
        if (tree == null || tree.isNull() || tree.isMissingNode()) tree = Json.MAPPER.createObjectNode();
        if (!tree.isObject())
            throw new ConfigException(src.label() + ":1: the top level must be a mapping of keys to values");
        Map<String, String> fromSet = new HashMap<>();
        for (String o : overrides) applyOverride((ObjectNode) tree, o, fromSet);
        String infinite = nonFinite(tree, "");
        if (infinite
                != null) // 1e400 parses as infinity, and config.json could not record it: the rerun would be another
            // run
            throw new ConfigException(where(src, infinite, lines, fromSet) + "not a finite number ("
                    + Excerpt.of(valueText(infinite, fromSet), 40) + ")");
        for (String section :
                List.of("task", "model", "init", "optimizer", "regularization", "training", "analysis", "probes")) {
            JsonNode n = tree.get(section);
            if (n != null && !n.isNull() && !n.isObject())
                throw new ConfigException(where(src, section, lines, fromSet) + "must be a section of keys (e.g. "
                        + section + ".KEY: VALUE), got " + n);
        }
        JsonNode task = tree.get("task");
        if (task != null && task.isObject() && !task.has("kind")) ((ObjectNode) task).put("kind", "modular");
        JsonNode model = tree.get("model");
        boolean text = task != null && "text".equals(task.path("kind").asText());
        if (model != null && model.isObject() && !model.has("kind"))
            ((ObjectNode) model).put("kind", text ? "bag" : "mlp");
        RunConfig cfg;
        try {
            cfg = Json.MAPPER.treeToValue(tree, RunConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(describeBindError(src, e, lines, fromSet));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(src.label() + ": " + e.getMessage());
        }
        Problems p = new Problems();
        cfg.validate(p);
        if (!p.isEmpty()) {
            List<String> msgs = new ArrayList<>();
            for (Problems.Problem pr : p.list()) msgs.add(where(src, pr.path(), lines, fromSet) + pr.message());
            throw new ConfigException(String.join("\n", msgs));
        }
        return cfg;
    }

    // the path of the first number in the tree that is infinite or NaN (YAML's .inf, or a literal past a double's
    // range), or null
    private static String nonFinite(JsonNode n, String path) {
        if (n.isNumber()) return Double.isFinite(n.asDouble()) ? null : path;
        if (n.isObject()) {
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                String p = nonFinite(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
                if (p != null) return p;
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                String p = nonFinite(n.get(i), path + "[" + i + "]");
                if (p != null) return p;
            }
        }
        return null;
    }

    private static String valueText(String path, Map<String, String> fromSet) {
        return fromSet.getOrDefault(path, "too large for a double, or .inf/.nan");
    }

    private static String where(Source src, String path, Map<String, Integer> lines, Map<String, String> fromSet) {
        if (fromSet.containsKey(path)) return "--set " + path + "=" + fromSet.get(path) + ": ";
        // an error about a key a --set created or replaced (an unknown section, a section set to a scalar) is that
        // --set's
        for (Map.Entry<String, String> e : fromSet.entrySet())
            if (!path.isEmpty()
                    && (e.getKey().startsWith(path + ".") || path.startsWith(e.getKey() + "."))
                    && !lines.containsKey(path)) return "--set " + e.getKey() + "=" + e.getValue() + ": " + path + ": ";
        String q = path;
        while (q != null && !lines.containsKey(q)) q = q.contains(".") ? q.substring(0, q.lastIndexOf('.')) : null;
        Integer line = q == null ? null : lines.get(q);
        String shown = path.isEmpty() ? "" : path + ": ";
        return src.label() + (line != null ? ":" + line : "") + ": " + shown;
    }

    /**
     * The kinds a polymorphic section accepts, as its annotation names them (one list, so a new kind is never left
     * out).
     */
    static String kinds(Class<?> base) {
        return java.util.Arrays.stream(base.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class)
                        .value())
                .map(com.fasterxml.jackson.annotation.JsonSubTypes.Type::name)
                .collect(Collectors.joining(", "));
    }

    private static String describeBindError(
            Source src, JsonProcessingException e, Map<String, Integer> lines, Map<String, String> fromSet) {
        String path = "";
        if (e instanceof JsonMappingException jm) {
            path = jm.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null
                    ? ""
                    : u.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", "));
            if (path.length() > 40
                    || path.chars()
                            .anyMatch(c -> c < 0x20)) // a file that is no config at all: quote only a glimpse of it
            return where(src, "", lines, fromSet) + "unknown key '" + org.grokscope.data.Excerpt.of(path, 24)
                        + "' (is this a grokscope config? known here: " + known + ")";
            return where(src, path, lines, fromSet) + "unknown key"
                    + (known.isEmpty() ? "" : " (known here: " + known + ")");
        }
        if (e instanceof InvalidTypeIdException t) {
            boolean task = path.startsWith("task");
            return where(src, path.isEmpty() ? "model.kind" : path + ".kind", lines, fromSet) + "unknown kind '"
                    + t.getTypeId() + "' (" + kinds(task ? TaskSpec.class : ModelSpec.class) + ")";
        }
        String msg = e.getOriginalMessage();
        int cut = msg.indexOf(" at [Source");
        if (cut > 0) msg = msg.substring(0, cut);
        msg = msg.replaceAll("\\(class [^)]*\\)", "")
                .replaceAll("`[a-z.]*\\.", "`")
                .replace("`java.lang.", "`");
        java.util.regex.Matcher coerce = java.util.regex.Pattern.compile(
                        "Cannot coerce [A-Za-z -]+ value \\(([^)]*)\\) to `(Integer|Long)`")
                .matcher(msg);
        if (coerce.find()) msg = WHOLE_NUMBER + ", got " + coerce.group(1);
        else if (msg.startsWith("Cannot deserialize value of type `Integer`"))
            msg = WHOLE_NUMBER + msg.substring(msg.indexOf(" from "));
        else if (msg.startsWith("Cannot deserialize value of type `Double`"))
            msg = "expected a number" + msg.substring(msg.indexOf(" from "));
        java.util.regex.Matcher shape = java.util.regex.Pattern.compile(
                        "Cannot deserialize value of type `([A-Za-z]+)` from (Object|Array) value")
                .matcher(msg);
        if (shape.find())
            msg = "expected "
                    + switch (shape.group(1)) {
                        case "String" -> "a text value";
                        case "Integer", "Long" -> "a whole number";
                        case "Double" -> "a number";
                        case "Boolean" -> "true or false";
                        default -> "a single value";
                    }
                    + ", got " + (shape.group(2).equals("Object") ? "a mapping ({...} or indented keys)" : "a list");
        return where(src, path, lines, fromSet) + msg;
    }

    private static JsonNode parse(Source src, Map<String, Integer> lines) throws ConfigException {
        JsonFactory f = src.json() ? Json.MAPPER.getFactory() : YAML.getFactory();
        try {
            // pass 1: the line of every key path, for messages
            try (JsonParser jp = f.createParser(src.text())) {
                Deque<String> stack = new ArrayDeque<>(); // enclosing keys below the root
                String field = null;
                int depth = 0, documents = 0;
                JsonToken t;
                while ((t = jp.nextToken()) != null) {
                    if (depth == 0 && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY && ++documents > 1)
                        throw new ConfigException(
                                src.label() + ":" + jp.currentTokenLocation().getLineNr()
                                        + ": a second YAML document (after ---); a config is one document");
                    if (jp instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser y && y.isCurrentAlias())
                        throw new ConfigException(
                                src.label() + ":" + jp.currentTokenLocation().getLineNr() + ": YAML aliases (*"
                                        + org.grokscope.data.Excerpt.of(y.getText(), 30)
                                        + ") are not supported; write the value out");
                    switch (t) {
                        case FIELD_NAME -> {
                            field = jp.currentName();
                            String path = stack.isEmpty() ? field : String.join(".", stack) + "." + field;
                            lines.putIfAbsent(path, jp.currentTokenLocation().getLineNr());
                        }
                        case START_OBJECT, START_ARRAY -> {
                            if (depth++ > 0) stack.addLast(field != null ? field : "[]");
                            field = null;
                        }
                        case END_OBJECT, END_ARRAY -> {
                            if (--depth > 0) stack.pollLast();
                            field = null;
                        }
                        default -> field = null;
                    }
                }
            }
            return (src.json() ? Json.MAPPER : YAML).readTree(src.text());
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            return failParse(src, loc == null ? -1 : loc.getLineNr(), e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(src.label() + ": " + e.getMessage());
        }
    }

    private static JsonNode failParse(Source src, int line, String msg) throws ConfigException {
        String m = org.grokscope.data.Excerpt.of(msg.split("\n")[0], 120);
        throw new ConfigException(src.label() + (line > 0 ? ":" + line : "") + ": not valid "
                + (src.json() ? "JSON" : "YAML") + ": " + m);
    }

    private static void applyOverride(ObjectNode root, String kv, Map<String, String> fromSet) throws ConfigException {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new ConfigException("--set " + kv + ": expected key=value, e.g. --set optimizer.lr=3e-3");
        String key = kv.substring(0, eq).trim(), raw = kv.substring(eq + 1).trim();
        JsonNode value;
        try {
            if (raw.isEmpty())
                throw new ConfigException(
                        "--set " + kv + ": no value (to drop a value and take the default, write " + kv + "null)");
            value = YAML.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new ConfigException("--set " + kv + ": cannot parse the value");
        }
        String[] parts = key.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null || child.isNull()) {
                child = node.putObject(parts[i]);
            } else if (!child.isObject()) {
                throw new ConfigException("--set " + kv + ": '"
                        + String.join(".", java.util.Arrays.copyOf(parts, i + 1)) + "' is not a section");
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], value);
        fromSet.put(key, raw);
        // alternatives: setting one replaces the other (a preset's train_fraction yields to --set task.train_count)
        if (key.equals("task.train_count") && !value.isNull()) node.remove("train_fraction");
        if (key.equals("task.train_fraction") && !value.isNull()) node.remove("train_count");
    }

    /**
     * A stored config.json as this version resolves it (keys added since it was written take their defaults), or the
     * text unchanged when it no longer loads: two configs are the same run when their resolved forms are equal.
     */
    public static String resolved(String configJson) {
        try {
            return toJson(load(Source.text("stored config", configJson), List.of()));
        } catch (ConfigException e) {
            return configJson;
        }
    }

    public static String toJson(RunConfig c) {
        try {
            return Json.MAPPER.writeValueAsString(c) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
