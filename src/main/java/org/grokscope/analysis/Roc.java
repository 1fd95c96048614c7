package org.grokscope.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Receiver operating characteristic of a score for a binary label: the area under the curve (the probability that a
 * random positive scores above a random negative, ties counting half: the Mann-Whitney statistic) and the curve's
 * points. Scores that are NaN are left out.
 */
public final class Roc {
    private Roc() {}

    /** AUC, or NaN when there is no positive or no negative among the scored. */
    public static double auc(double[] score, boolean[] label) {
        int n = 0;
        for (double s : score) if (!Double.isNaN(s)) n++;
        Integer[] idx = new Integer[n];
        for (int i = 0, k = 0; i < score.length; i++) if (!Double.isNaN(score[i])) idx[k++] = i;
        Arrays.sort(idx, Comparator.comparingDouble(i -> score[i]));
        double rankSumPos = 0;
        long pos = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && score[idx[j + 1]] == score[idx[i]]) j++;
            double rank = (i + j) / 2.0 + 1; // mid-rank of a tie
            for (int k = i; k <= j; k++)
                if (label[idx[k]]) {
                    rankSumPos += rank;
                    pos++;
                }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** The curve as (false-positive rate, true-positive rate) points from the highest threshold down. */
    public static List<double[]> curve(double[] score, boolean[] label) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < score.length; i++) if (!Double.isNaN(score[i])) idx.add(i);
        idx.sort(Comparator.comparingDouble((Integer i) -> score[i]).reversed());
        long pos = idx.stream().filter(i -> label[i]).count(), neg = idx.size() - pos;
        List<double[]> out = new ArrayList<>();
        out.add(new double[] {0, 0});
        if (pos == 0 || neg == 0) return out;
        long tp = 0, fp = 0;
        for (int k = 0; k < idx.size(); k++) {
            if (label[idx.get(k)]) tp++;
            else fp++;
            if (k + 1 == idx.size() || score[idx.get(k + 1)] != score[idx.get(k)])
                out.add(new double[] {(double) fp / neg, (double) tp / pos});
        }
        return out;
    }
}
