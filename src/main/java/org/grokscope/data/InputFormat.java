package org.grokscope.data;

/** How an equation "x ∘ y" becomes a token sequence for a model. */
public enum InputFormat {
    /** [x, y]: MLP and quadratic models; vocabulary p. */
    PAIR(2, 0),
    /** [x, y, =]: Nanda et al.; vocabulary p + 1 ('=' is p). */
    EQUALS(3, 1),
    /** [x, ∘, y, =]: Power et al.; vocabulary p + 2 ('∘' is p, '=' is p + 1). */
    OP_EQUALS(4, 2);
    public final int length, extraTokens;

    InputFormat(int length, int extraTokens) {
        this.length = length;
        this.extraTokens = extraTokens;
    }

    public int vocab(int p) {
        return p + extraTokens;
    }

    public void encode(int x, int y, int p, int[] out, int off) {
        switch (this) {
            case PAIR -> {
                out[off] = x;
                out[off + 1] = y;
            }
            case EQUALS -> {
                out[off] = x;
                out[off + 1] = y;
                out[off + 2] = p;
            }
            case OP_EQUALS -> {
                out[off] = x;
                out[off + 1] = p;
                out[off + 2] = y;
                out[off + 3] = p + 1;
            }
        }
    }
}
