package org.grokscope.data;

import java.util.Locale;

/** Power et al.'s binary operations mod p, plus a random-label control. */
public enum ModOp {
    ADD("add", "x+y"),
    SUB("sub", "x-y"),
    MUL("mul", "x*y"),
    DIV("div", "x/y (y != 0)"),
    DIV_ODD("div_odd", "x/y if y odd else x-y"),
    /**
     * x·y over y ≠ 0, as Grokfast's code builds its task (its docstring says x/y). Not x/y relabelled: the operands
     * share one embedding table, so x·y is commutative for the model and x/y is not.
     */
    MUL_NONZERO("mul_nonzero", "x*y (y != 0)"),
    SQ_SUM("x2+y2", "x^2+y^2"),
    QUAD("x2+xy+y2", "x^2+xy+y^2"),
    QUAD_X("x2+xy+y2+x", "x^2+xy+y^2+x"),
    CUBE("x3+xy", "x^3+xy"),
    CUBE2("x3+xy2+y", "x^3+xy^2+y"),
    RANDOM("random", "random labels over the x+y table (control: nothing to generalize)");
    public final String key, formula;

    ModOp(String key, String formula) {
        this.key = key;
        this.formula = formula;
    }

    public static ModOp parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT).replace(" ", "").replace("^", "");
        for (ModOp op : values()) if (op.key.equals(t) || op.name().equalsIgnoreCase(t)) return op;
        return switch (t) {
            case "x+y" -> ADD;
            case "x-y" -> SUB;
            case "x*y" -> MUL;
            case "x/y" -> DIV;
            default -> throw new IllegalArgumentException("unknown operation '" + s + "'; one of " + keys());
        };
    }

    public static String keys() {
        StringBuilder b = new StringBuilder();
        for (ModOp op : values()) b.append(b.length() == 0 ? "" : ", ").append(op.key);
        return b.toString();
    }

    /** Whether the operation needs a prime modulus (a multiplicative inverse). */
    public boolean needsPrime() {
        return this == DIV || this == DIV_ODD;
    }

    /** Whether (x, y) is in the operation's domain. */
    public boolean defined(int x, int y) {
        return !(excludesZeroY() && y == 0);
    }

    /** Whether pairs with y = 0 are left out: the table has p·(p − 1) pairs instead of p². */
    public boolean excludesZeroY() {
        return this == DIV || this == MUL_NONZERO;
    }

    /** Label of (x, y); RANDOM is handled by the dataset (it needs a seed). */
    public int apply(int x, int y, int p) {
        long X = x, Y = y, P = p;
        long r = switch (this) {
            case ADD, RANDOM -> X + Y;
            case SUB -> X - Y;
            case MUL, MUL_NONZERO -> X * Y;
            case DIV -> X * inverse(y, p);
            case DIV_ODD -> (y % 2 == 1) ? X * inverse(y, p) : X - Y;
            case SQ_SUM -> X * X + Y * Y;
            case QUAD -> X * X + X * Y + Y * Y;
            case QUAD_X -> X * X + X * Y + Y * Y + X;
            case CUBE -> X * X % P * X + X * Y;
            case CUBE2 -> X * X % P * X + X * Y % P * Y + Y;
        };
        return (int) (((r % P) + P) % P);
    }

    static long inverse(int y, int p) {
        long result = 1, base = y % p, e = p - 2;
        while (e > 0) {
            if ((e & 1) == 1) result = result * base % p;
            base = base * base % p;
            e >>= 1;
        }
        return result;
    }

    public static boolean isPrime(int p) {
        if (p < 2) return false;
        for (int i = 2; (long) i * i <= p; i++) if (p % i == 0) return false;
        return true;
    }
}
