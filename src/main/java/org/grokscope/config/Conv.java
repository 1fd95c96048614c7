package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.grokscope.engine.Act;

/**
 * Small convolutional network for image tasks ({@link org.grokscope.nn.ConvNet}): per entry of {@code channels} a k×k
 * conv (stride 1, same padding) + activation + max pooling over pool×pool windows (1: none), then (Linear, act) × depth
 * → Linear on the flattened maps; depth 0 (the default when hidden is 0) is a linear head.
 */
@JsonPropertyOrder({"channels", "kernel", "pool", "hidden", "depth", "activation"})
public record Conv(
        java.util.List<Integer> channels, Integer kernel, Integer pool, Integer hidden, Integer depth, Act activation)
        implements ModelSpec {
    public static Conv defaults() {
        return new Conv(null, null, null, null, null, null);
    }

    public Conv {
        if (channels == null) channels = java.util.List.of(16, 32);
        if (kernel == null) kernel = 3;
        if (pool == null) pool = 2;
        if (hidden == null) hidden = 0;
        if (depth == null) depth = hidden == 0 ? 0 : 1;
        if (activation == null) activation = Act.RELU;
    }

    @Override
    public void validate(Problems p, TaskSpec task) {
        p.require(
                !channels.isEmpty() && channels.size() <= 6,
                "model.channels",
                "needs 1 to 6 conv stages, got " + channels.size());
        for (int i = 0; i < channels.size(); i++) {
            Integer c = channels.get(i);
            p.require(c != null && c >= 1 && c <= 1024, "model.channels[" + i + "]", "must be in [1, 1024], got " + c);
        }
        p.require(
                kernel >= 1 && kernel <= 15 && kernel % 2 == 1,
                "model.kernel",
                "must be odd and in [1, 15] (same padding keeps the map size), got " + kernel);
        p.require(pool >= 1 && pool <= 8, "model.pool", "must be in [1, 8] (1 = no pooling), got " + pool);
        p.require(
                hidden >= 0 && hidden <= 65536,
                "model.hidden",
                "must be in [0, 65536] (0 = a linear head), got " + hidden);
        p.require(depth >= 0 && depth <= 16, "model.depth", "must be in [0, 16], got " + depth);
        if (depth > 0) p.require(hidden >= 1, "model.hidden", "a head of depth " + depth + " needs hidden >= 1");
    }

    @Override
    public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
        throw new IllegalStateException("a conv net reads images (validation refuses it on other tasks)");
    }

    @Override
    public org.grokscope.nn.Model buildOnFeatures(
            org.grokscope.engine.Parallel pool,
            float[] table,
            int rows,
            int height,
            int width,
            int channels,
            int classes) {
        int[] stages = this.channels.stream().mapToInt(Integer::intValue).toArray();
        return new org.grokscope.nn.ConvNet(
                pool,
                table,
                rows,
                height,
                width,
                channels,
                stages,
                kernel,
                this.pool,
                hidden,
                depth,
                classes,
                activation);
    }

    /** The map's side after the stages' pooling, for a side of {@code size} (0: pooled away). */
    public int sideAfter(int size) {
        for (int i = 0; i < channels.size(); i++) size = pool == 1 ? size : size / pool;
        return size;
    }

    @Override
    public int initWidth() {
        return channels.get(0);
    }
}
