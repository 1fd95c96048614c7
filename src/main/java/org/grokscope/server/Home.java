package org.grokscope.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.grokscope.config.Json;

/** The home page's line for one run or sweep: what it is, where it stands, how far it has come. */
final class Home {
    private Home() {}

    static ObjectNode line(Catalog catalog, Catalog.Entry e) {
        ObjectNode o = e.kind() == Catalog.Kind.RUN ? RunView.status(e.dir()) : SweepView.status(e.dir());
        o.put("id", e.id());
        o.put("label", catalog.label(e.id()));
        if (!o.has("kind")) o.put("kind", e.kind() == Catalog.Kind.RUN ? "run" : "sweep");
        ObjectNode ordered = Json.MAPPER.createObjectNode();
        ordered.put("id", e.id());
        ordered.setAll(o);
        return ordered;
    }
}
