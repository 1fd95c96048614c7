package org.grokscope.data;

import java.util.ArrayList;
import java.util.List;
import org.grokscope.engine.Rng;

/**
 * Seeded orders over labelled examples, shared by the image and table tasks: a stratified order whose every prefix
 * holds the classes in their proportions (so a larger training size contains every smaller one), and a stratified
 * holdout. {@code tag} names the stream of the split seed each draws from, so two tasks' orders never share one.
 */
public final class Subsets {
    private Subsets() {}

    public static int[] permutation(int n, Rng r) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        r.shuffle(a);
        return a;
    }

    /**
     * Every index in an order whose every prefix is stratified: each class's indices in a seeded order ({@code tag} +
     * class), and at each position the class furthest behind its share of the prefix (largest remainder; ties to the
     * lower class).
     */
    public static int[] stratified(int[] labels, int classes, long seed, String tag) {
        List<List<Integer>> byClass = byClass(labels, classes);
        int[][] order = new int[classes][];
        for (int c = 0; c < classes; c++) {
            int[] perm = permutation(byClass.get(c).size(), Rng.of(seed, tag + c));
            order[c] = new int[perm.length];
            for (int k = 0; k < perm.length; k++) order[c][k] = byClass.get(c).get(perm[k]);
        }
        int n = labels.length;
        int[] out = new int[n], taken = new int[classes];
        for (int pos = 0; pos < n; pos++) {
            int best = -1;
            double behind = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                if (taken[c] == order[c].length) continue;
                double due = (pos + 1.0) * order[c].length / n - taken[c];
                if (due > behind) {
                    behind = due;
                    best = c;
                }
            }
            out[pos] = order[best][taken[best]++];
        }
        return out;
    }

    /**
     * Which examples a stratified holdout sends to the test split: per class round(share × count) of a seeded order
     * ({@code tag} + class), keeping at least one of each class for training.
     */
    public static boolean[] holdout(int[] labels, int classes, double share, long seed, String tag) {
        boolean[] test = new boolean[labels.length];
        List<List<Integer>> byClass = byClass(labels, classes);
        for (int c = 0; c < classes; c++) {
            List<Integer> members = byClass.get(c);
            int[] perm = permutation(members.size(), Rng.of(seed, tag + c));
            int k = (int) Math.round(share * members.size());
            if (k >= members.size()) k = members.size() - 1;
            for (int i = 0; i < k; i++) test[members.get(perm[i])] = true;
        }
        return test;
    }

    /** How many of each class. */
    public static List<Integer> counts(int[] y, int classes) {
        int[] c = new int[classes];
        for (int v : y) c[v]++;
        List<Integer> out = new ArrayList<>();
        for (int v : c) out.add(v);
        return out;
    }

    private static List<List<Integer>> byClass(int[] labels, int classes) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < labels.length; i++) byClass.get(labels[i]).add(i);
        return byClass;
    }
}
