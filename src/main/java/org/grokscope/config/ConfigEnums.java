package org.grokscope.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.grokscope.data.ModOp;
import org.grokscope.data.OnBadRow;
import org.grokscope.data.text.StarsRule;
import org.grokscope.engine.Act;
import org.grokscope.engine.LossFunction;
import org.grokscope.engine.LossPrecision;
import org.grokscope.nn.Encoder;
import org.grokscope.nn.Transformer;
import org.grokscope.train.Init;

/**
 * The closed sets of a config are enums, bound by Jackson both ways: each value is written as its key (lower case, as
 * configs spell it: {@code adamw}, {@code cross_entropy}, {@code x2+y2}) and read from the key or an accepted alias
 * ({@code x^2+y^2}, {@code gelu_new}); anything else is refused with the allowed keys, and the loader puts the file,
 * line and field in front ({@code run.yaml:7: optimizer.kind: must be adamw, adam, sgd or normalized_gd, got
 * 'adagrad'}). The engine's and models' enums carry no Jackson annotations (they know nothing of files); this table
 * binds them. Only the enums named here are affected: other enums the mapper meets keep Jackson's defaults.
 */
final class ConfigEnums {
    /**
     * How one enum is spelled in a config: its key per value, and the parser that also takes aliases (null: keys only).
     */
    private record Spelling<E extends Enum<E>>(Class<E> type, Function<E, String> key, Function<String, E> aliases) {
        String keyOf(Object v) {
            return key.apply(type.cast(v));
        }

        E parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (E v : type.getEnumConstants()) if (key.apply(v).equals(t)) return v;
            if (aliases != null) {
                try {
                    return aliases.apply(text);
                } catch (IllegalArgumentException e) {
                    // not an alias either: the message below lists the keys
                }
            }
            return null;
        }

        String allowed() {
            List<String> keys = new ArrayList<>();
            for (E v : type.getEnumConstants()) keys.add(key.apply(v));
            return keys.size() == 1
                    ? keys.get(0)
                    : String.join(", ", keys.subList(0, keys.size() - 1)) + " or " + keys.get(keys.size() - 1);
        }
    }

    private static <E extends Enum<E>> Spelling<E> lower(Class<E> type) {
        return new Spelling<>(type, v -> v.name().toLowerCase(Locale.ROOT), null);
    }

    static final Map<Class<?>, Spelling<?>> SPELLINGS = Map.ofEntries(
            Map.entry(ModOp.class, new Spelling<>(ModOp.class, op -> op.key, ModOp::parse)),
            Map.entry(Act.class, new Spelling<>(Act.class, a -> a.name().toLowerCase(Locale.ROOT), Act::parse)),
            Map.entry(LossFunction.class, new Spelling<>(LossFunction.class, LossFunction::id, null)),
            Map.entry(
                    org.grokscope.data.text.TextSource.Kind.class,
                    new Spelling<>(
                            org.grokscope.data.text.TextSource.Kind.class,
                            org.grokscope.data.text.TextSource.Kind::id,
                            org.grokscope.data.text.TextSource.Kind::parse)),
            Map.entry(LossPrecision.class, new Spelling<>(LossPrecision.class, LossPrecision::id, null)),
            Map.entry(Init.Scheme.class, lower(Init.Scheme.class)),
            Map.entry(Init.Attention.class, lower(Init.Attention.class)),
            Map.entry(org.grokscope.train.Trainer.Status.class, lower(org.grokscope.train.Trainer.Status.class)),
            Map.entry(Transformer.Norm.class, lower(Transformer.Norm.class)),
            Map.entry(Encoder.Pooling.class, lower(Encoder.Pooling.class)),
            Map.entry(TransformerFormat.class, lower(TransformerFormat.class)),
            Map.entry(OptimizerKind.class, lower(OptimizerKind.class)),
            Map.entry(GrokfastFilter.class, lower(GrokfastFilter.class)),
            Map.entry(LastBatch.class, lower(LastBatch.class)),
            Map.entry(NtkOutput.class, lower(NtkOutput.class)),
            Map.entry(StarsRule.class, lower(StarsRule.class)),
            Map.entry(OnBadRow.class, lower(OnBadRow.class)),
            Map.entry(ImageColor.class, lower(ImageColor.class)),
            Map.entry(TableTarget.class, lower(TableTarget.class)),
            Map.entry(TokenizerKind.class, lower(TokenizerKind.class)),
            Map.entry(LongDocs.class, lower(LongDocs.class)));

    private ConfigEnums() {}

    /** The key a config writes for {@code v}. */
    static String key(Enum<?> v) {
        Spelling<?> s = SPELLINGS.get(v.getDeclaringClass());
        return s == null ? v.name().toLowerCase(Locale.ROOT) : s.keyOf(v);
    }

    /** The allowed keys of a bound enum, as a message lists them ("a, b or c"). */
    static String allowed(Class<?> type) {
        return SPELLINGS.get(type).allowed();
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("grokscope-config-enums");
        m.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyEnumDeserializer(
                    DeserializationConfig c, JavaType type, BeanDescription b, JsonDeserializer<?> d) {
                Spelling<?> s = SPELLINGS.get(type.getRawClass());
                return s == null ? d : new Reader(s);
            }
        });
        m.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            public JsonSerializer<?> modifyEnumSerializer(
                    SerializationConfig c, JavaType type, BeanDescription b, JsonSerializer<?> d) {
                Spelling<?> s = SPELLINGS.get(type.getRawClass());
                return s == null ? d : new Writer(s);
            }
        });
        return m;
    }

    private static final class Reader extends JsonDeserializer<Object> {
        private final Spelling<?> s;

        Reader(Spelling<?> s) {
            this.s = s;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext c) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING)
                return c.reportInputMismatch(this, "must be %s, got %s", s.allowed(), p.getText());
            Object v = s.parse(p.getText());
            if (v == null)
                return c.reportInputMismatch(
                        this, "must be %s, got '%s'", s.allowed(), org.grokscope.data.Excerpt.of(p.getText(), 40));
            return v;
        }

        @Override
        public Class<?> handledType() {
            return s.type();
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class Writer extends StdSerializer<Enum> {
        private final Spelling<?> s;

        Writer(Spelling<?> s) {
            super(Enum.class);
            this.s = s;
        }

        @Override
        public void serialize(Enum v, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeString(s.keyOf(v));
        }
    }
}
