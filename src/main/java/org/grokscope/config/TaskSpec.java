package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What the model learns: modular arithmetic (kind: modular, the default) or labelled text (kind: text). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind") // a missing kind is filled in as "modular" by ConfigLoader
@JsonSubTypes({
    @JsonSubTypes.Type(value = Modular.class, name = "modular"),
    @JsonSubTypes.Type(value = Text.class, name = "text"),
    @JsonSubTypes.Type(value = Image.class, name = "image"),
    @JsonSubTypes.Type(value = Table.class, name = "table")
})
public sealed interface TaskSpec permits Modular, Text, Image, Table {
    Integer trainCount();

    Double trainFraction();

    Long splitSeed();

    void validate(Problems p);
}
