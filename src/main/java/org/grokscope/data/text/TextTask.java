package org.grokscope.data.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grokscope.data.Dataset;
import org.grokscope.engine.Rng;

/**
 * Turns a {@link Corpus} into the fixed-length datasets a run trains and tests on.
 *
 * <ul>
 *   <li>Pools: each split, minus documents longer than the sequence when {@code dropLong} (as the CDS paper dropped
 *       reviews over 256 tokens), otherwise truncated.
 *   <li>Training subset: the first n of a permutation of the training pool seeded by the split seed, so subsets are
 *       uniform and nested across sizes (n₁ &lt; n₂ ⇒ subset₁ ⊂ subset₂). Test subset: the first {@code testCount} of
 *       an independent permutation of the test pool (all of it when 0), the same for every size.
 *   <li>Word level: the vocabulary is built from the training subset only (no test words leak in): words with at least
 *       {@code minCount} occurrences, most frequent first (ties by the word), capped so that the vocabulary including
 *       the specials has at most {@code vocabSize} entries. Ids: 0 [PAD], 1 [UNK], 2 [CLS], then the words. Sequence:
 *       [CLS], the first maxLen − 1 tokens, padding.
 *   <li>WordPiece: the vocab.txt ids, with [PAD] moved to id 0 if the file puts it elsewhere (the models mask id 0).
 *       Sequence: [CLS], the first maxLen − 2 pieces, [SEP], padding, as BERT does.
 * </ul>
 */
public final class TextTask {
    public static final int PAD = 0, UNK = 1, CLS = 2;

    /**
     * {@code resplit}: null keeps the source's own train/test split; a fraction pools both splits (after dropping long
     * documents) and holds that share out for testing by a fixed permutation (seed 0, the same for every run), as the
     * CDS paper re-split IMDB 75:25.
     */
    public record Settings(
            Integer trainCount,
            Double trainFraction,
            int testCount,
            long splitSeed,
            int maxLen,
            boolean dropLong,
            int vocabSize,
            int minCount,
            Double resplit) {}

    /** The datasets plus what a user wants to know about them. */
    public record Prepared(
            Dataset train,
            Dataset test,
            List<String> vocabulary,
            int trainPool,
            int testPool,
            double meanLength,
            double truncatedFraction,
            double[] trainClassShare) {}

    private TextTask() {}

    public static int trainCount(Settings s, int pool) {
        return s.trainCount() != null ? s.trainCount() : (int) Math.max(1, Math.round(s.trainFraction() * pool));
    }

    public static Prepared prepare(Corpus source, Settings s) {
        boolean wordPiece = source.tokenizer.startsWith("wordpiece");
        int reserve = wordPiece ? 2 : 1;
        Corpus c = s.resplit() != null ? resplit(source, s, reserve) : source;
        int[] trainPool = pool(c.train, s, reserve), testPool = pool(c.test, s, reserve);
        int n = trainCount(s, trainPool.length);
        if (n > trainPool.length)
            throw new DataException(
                    "task.train_count " + n + " is more than the " + trainPool.length + " training documents available"
                            + (s.dropLong() ? " of at most " + (s.maxLen() - reserve) + " tokens" : ""));
        int[] trainIdx = Arrays.copyOf(permuted(trainPool, Rng.of(s.splitSeed(), "text-train")), n);
        int m = s.testCount() <= 0 ? testPool.length : Math.min(s.testCount(), testPool.length);
        int[] testIdx = Arrays.copyOf(permuted(testPool, Rng.of(s.splitSeed(), "text-test")), m);

        int[] map; // corpus id -> model id
        List<String> vocab;
        int V;
        if (wordPiece) {
            V = c.words.length;
            int pad = Arrays.asList(c.words).indexOf("[PAD]");
            map = new int[V];
            for (int i = 0; i < V; i++) map[i] = i == pad ? 0 : i == 0 ? pad : i;
            vocab = new ArrayList<>(Arrays.asList(c.words));
            if (pad != 0) {
                vocab.set(0, "[PAD]");
                vocab.set(pad, c.words[0]);
            }
        } else {
            long[] count = new long[c.words.length];
            for (int i : trainIdx) for (int id : c.train.docs()[i]) count[id]++;
            List<Integer> kept = new ArrayList<>();
            for (int id = 0; id < count.length; id++) if (count[id] >= Math.max(1, s.minCount())) kept.add(id);
            kept.sort((a, b) ->
                    count[a] != count[b] ? Long.compare(count[b], count[a]) : c.words[a].compareTo(c.words[b]));
            int keep = Math.min(kept.size(), Math.max(0, s.vocabSize() - 3));
            map = new int[c.words.length];
            Arrays.fill(map, UNK);
            vocab = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]"));
            for (int r = 0; r < keep; r++) {
                map[kept.get(r)] = 3 + r;
                vocab.add(c.words[kept.get(r)]);
            }
            V = vocab.size();
        }
        int clsId = wordPiece ? map[Arrays.asList(c.words).indexOf("[CLS]")] : CLS;
        int sepId = wordPiece ? map[Arrays.asList(c.words).indexOf("[SEP]")] : -1;
        int classes = c.classNames.size();
        long tokens = 0, truncated = 0;
        for (int i : trainIdx) {
            tokens += c.train.docs()[i].length;
            if (c.train.docs()[i].length > s.maxLen() - reserve) truncated++;
        }
        double[] share = new double[classes];
        for (int i : trainIdx) share[c.train.labels()[i]] += 1.0 / n;
        Dataset train = encode(c.train, trainIdx, map, s.maxLen(), clsId, sepId, V, classes);
        Dataset test = encode(c.test, testIdx, map, s.maxLen(), clsId, sepId, V, classes);
        return new Prepared(
                train,
                test,
                vocab,
                trainPool.length,
                testPool.length,
                (double) tokens / n,
                (double) truncated / n,
                share);
    }

    private static Corpus resplit(Corpus c, Settings s, int reserve) {
        int[] a = pool(c.train, s, reserve), b = pool(c.test, s, reserve);
        int n = a.length + b.length;
        int[][] docs = new int[n][];
        int[] labels = new int[n];
        for (int i = 0; i < a.length; i++) {
            docs[i] = c.train.docs()[a[i]];
            labels[i] = c.train.labels()[a[i]];
        }
        for (int i = 0; i < b.length; i++) {
            docs[a.length + i] = c.test.docs()[b[i]];
            labels[a.length + i] = c.test.labels()[b[i]];
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        Rng.of(0, "text-resplit").shuffle(perm);
        int nTest = (int) Math.round(s.resplit() * n);
        Corpus.Split[] out = new Corpus.Split[2];
        for (int part = 0; part < 2; part++) {
            int from = part == 0 ? nTest : 0, to = part == 0 ? n : nTest;
            int[] idx = Arrays.copyOfRange(perm, from, to);
            Arrays.sort(idx); // keep corpus order inside each part
            int[][] d = new int[idx.length][];
            int[] l = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                d[i] = docs[idx[i]];
                l[i] = labels[idx[i]];
            }
            out[part] = new Corpus.Split(d, l);
        }
        return new Corpus(c.words, out[0], out[1], c.classNames, c.tokenizer, c.skipped, c.dropped, c.problems);
    }

    private static int[] pool(Corpus.Split sp, Settings s, int reserve) {
        int[] out = new int[sp.size()];
        int k = 0;
        for (int i = 0; i < sp.size(); i++)
            if (!s.dropLong() || sp.docs()[i].length <= s.maxLen() - reserve) out[k++] = i;
        return Arrays.copyOf(out, k);
    }

    private static int[] permuted(int[] pool, Rng rng) {
        int[] p = pool.clone();
        rng.shuffle(p);
        return p;
    }

    private static Dataset encode(Corpus.Split sp, int[] idx, int[] map, int T, int cls, int sep, int V, int classes) {
        int n = idx.length;
        int[] tok = new int[n * T], lab = new int[n];
        int body = sep >= 0 ? T - 2 : T - 1;
        for (int r = 0; r < n; r++) {
            int[] d = sp.docs()[idx[r]];
            int o = r * T;
            tok[o] = cls;
            int len = Math.min(body, d.length);
            for (int j = 0; j < len; j++) tok[o + 1 + j] = map[d[j]];
            if (sep >= 0) tok[o + 1 + len] = sep;
            lab[r] = sp.labels()[idx[r]];
        }
        return new Dataset(tok, lab, T, V, classes);
    }
}
