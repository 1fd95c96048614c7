package org.grokscope.config;

import java.util.ArrayList;
import java.util.List;

/** Validation problems, each tied to a config path such as "model.heads". */
public final class Problems {
    public record Problem(String path, String message) {}

    private final List<Problem> list = new ArrayList<>();

    public void require(boolean ok, String path, String message) {
        if (!ok) list.add(new Problem(path, message));
    }

    public void add(String path, String message) {
        list.add(new Problem(path, message));
    }

    public List<Problem> list() {
        return list;
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }
}
