package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * task.window of a table: {@code length} consecutive rows per example, every {@code stride}-th start, ordered by a
 * column, per group.
 */
@JsonPropertyOrder({"length", "stride", "order_by", "group_by"})
public record TableWindow(Integer length, Integer stride, String orderBy, String groupBy) {
    public TableWindow {
        if (stride == null) stride = 1;
    }

    void validate(Problems p) {
        p.require(
                length != null && length >= 1 && length <= 4096,
                "task.window.length",
                "must be in [1, 4096], got " + length);
        p.require(stride >= 1, "task.window.stride", "must be >= 1, got " + stride);
    }
}
