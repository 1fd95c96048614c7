package org.grokscope.reproduce;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;

/** The bundled claims ({@code reproductions/claims.yaml}), checked as they load. */
public final class Claims {
    static final String FILE = "reproductions/claims.yaml";

    private Claims() {}

    public static List<Claim> all() throws ConfigException {
        String text;
        try (InputStream in = Claims.class.getResourceAsStream("/" + FILE)) {
            if (in == null) throw new ConfigException(FILE + ": missing from the jar");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(FILE + ": " + e.getMessage());
        }
        ConfigLoader.Bound<Claim.Registry> b =
                ConfigLoader.bind(new ConfigLoader.Source(FILE, text, false), Claim.Registry.class);
        List<Claim> claims = b.value().claims() == null ? List.of() : b.value().claims();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < claims.size(); i++) {
            Claim c = claims.get(i);
            String at = "claims[" + i + "]";
            if (c.name() == null || !c.name().matches("[a-z0-9-]+"))
                throw b.error(at + ".name", "lower-case letters, digits and '-', got " + c.name());
            if (!names.add(c.name())) throw b.error(at + ".name", "'" + c.name() + "' is listed twice");
            if (c.full() == null || c.full().sweep() == null)
                throw b.error(at + ".full", "give the sweep that reproduces the claim");
            for (Claim.Form f : c.quick() == null ? List.of(c.full()) : List.of(c.full(), c.quick())) {
                if (!Reproduction.hasSweep(f.sweep())) throw b.error(at, "no bundled sweep '" + f.sweep() + "'");
                if (f.minutes() == null || f.minutes() <= 0)
                    throw b.error(at, "give each form's expected minutes on 2 cores");
            }
            if (c.quick() != null
                    && (c.quick().note() == null || c.quick().note().isBlank()))
                throw b.error(at + ".quick.note", "say what the quick form leaves out of the paper's setting");
            if (c.rows().isEmpty()) throw b.error(at + ".rows", "list at least one row to compare");
            for (int r = 0; r < c.rows().size(); r++) {
                Claim.Row row = c.rows().get(r);
                String rat = at + ".rows[" + r + "]";
                if (row.label() == null
                        || row.measure() == null
                        || row.measure().kind() == null) throw b.error(rat, "give label and measure.kind");
                if (row.measure().kind().needsThreshold() && row.measure().threshold() == null)
                    throw b.error(rat + ".measure.threshold", "give the accuracy threshold");
                if (row.paperText() == null)
                    throw b.error(rat + ".paper_text", "say what the paper reports (or that it gives no number)");
                if (!row.measure().kind().perRun() && !row.where().isEmpty())
                    throw b.error(rat + ".where", "a sweep-wide measure reads every run");
            }
        }
        return claims;
    }

    public static Claim named(String name) throws ConfigException {
        for (Claim c : all()) if (c.name().equals(name)) return c;
        StringBuilder known = new StringBuilder();
        for (Claim c : all()) known.append(known.length() == 0 ? "" : ", ").append(c.name());
        throw new ConfigException("unknown claim '" + name + "'; known: " + known + " (grokscope reproduce --list)");
    }
}
