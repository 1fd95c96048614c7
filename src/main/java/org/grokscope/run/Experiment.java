package org.grokscope.run;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grokscope.config.Conv;
import org.grokscope.config.Image;
import org.grokscope.config.ImageColor;
import org.grokscope.config.LastBatch;
import org.grokscope.config.LongDocs;
import org.grokscope.config.ModelSpec;
import org.grokscope.config.Modular;
import org.grokscope.config.NtkOutput;
import org.grokscope.config.OptimizerSpec;
import org.grokscope.config.Probes;
import org.grokscope.config.RunConfig;
import org.grokscope.config.Table;
import org.grokscope.config.TableTarget;
import org.grokscope.config.TableWindow;
import org.grokscope.config.Text;
import org.grokscope.config.Training;
import org.grokscope.data.Dataset;
import org.grokscope.data.FeatureSet;
import org.grokscope.data.InputFormat;
import org.grokscope.data.ModOp;
import org.grokscope.data.ModularTask;
import org.grokscope.data.text.Corpus;
import org.grokscope.data.text.DataException;
import org.grokscope.data.text.DataHome;
import org.grokscope.data.text.KnownDataset;
import org.grokscope.data.text.TextSource;
import org.grokscope.data.text.TextTask;
import org.grokscope.data.text.Tokenizer;
import org.grokscope.data.text.WordPiece;
import org.grokscope.data.text.WordTokenizer;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.Centered;
import org.grokscope.nn.Model;
import org.grokscope.probe.Advisor;
import org.grokscope.probe.ModularContext;
import org.grokscope.probe.ProbeSettings;
import org.grokscope.probe.ProbeSuite;
import org.grokscope.train.AdamW;
import org.grokscope.train.Grokfast;
import org.grokscope.train.Init;
import org.grokscope.train.Optimizer;
import org.grokscope.train.OrthoGrad;
import org.grokscope.train.Regularizer;
import org.grokscope.train.Sgd;
import org.grokscope.train.Trainer;

/** Turns a validated {@link RunConfig} into data, an initialized model and a trainer. */
public final class Experiment implements AutoCloseable {
    public final RunConfig cfg;
    public final Parallel pool;
    public final Model model;
    public final Dataset train, test;
    /** The modular task's whole table and the split this run trains and tests on (null for text). */
    public final ModularTask table;

    public final ModularTask.Split split;
    /** For text tasks: the prepared data (vocabulary, pools, lengths); null for modular tasks. */
    public final TextTask.Prepared text;
    /** The feature table of an image or table task, else null. */
    public final FeatureSet features;
    /** What the run's data is, for data.json (dataset, file, tokenizer, sizes). */
    public final Map<String, Object> dataInfo = new LinkedHashMap<>();

    public final long splitSeed;
    public final Trainer trainer;
    /** The probes and advisor, or null when {@code probes.enabled} is false. */
    public final ProbeSuite probes;

    public Experiment(RunConfig cfg, int threads) {
        this(cfg, threads, null);
    }

    /** {@code log} (may be null) hears about tokenizing and caching text. */
    public Experiment(RunConfig cfg, int threads, PrintStream log) {
        this(cfg, threads, threads, log);
    }

    /**
     * @param capacity threads the engine pool holds; {@code threads} of them are used at first, and {@code pool.use(k)}
     *     can hand the run more later (a sweep does when other runs end)
     */
    public Experiment(RunConfig cfg, int threads, int capacity, PrintStream log) {
        this(cfg, threads, capacity, load(cfg, log));
    }

    /**
     * A run of {@code cfg}'s model, optimizer and training settings on datasets made elsewhere (the benchmarks'
     * synthetic tokens): no task table, no corpus; probes are off.
     */
    public Experiment(RunConfig cfg, int threads, Dataset train, Dataset test) {
        this(
                cfg,
                threads,
                threads,
                new Data(
                        train,
                        test,
                        null,
                        null,
                        null,
                        Map.of(
                                "synthetic",
                                true,
                                "train_examples",
                                train.size(),
                                "test_examples",
                                test.size(),
                                "vocabulary",
                                train.vocab(),
                                "max_len",
                                train.seqLen())));
    }

    /**
     * A run of {@code cfg}'s model and training on a feature table made elsewhere (the benchmarks' synthetic images);
     * probes are off.
     */
    public static Experiment onSynthetic(RunConfig cfg, int threads, FeatureSet synthetic) {
        return new Experiment(
                cfg,
                threads,
                threads,
                new Data(
                        synthetic.train(),
                        synthetic.test(),
                        null,
                        null,
                        null,
                        Map.of(
                                "synthetic",
                                true,
                                "train_examples",
                                synthetic.train().size(),
                                "test_examples",
                                synthetic.test().size(),
                                "image_size",
                                synthetic.height() + "x" + synthetic.width() + "x" + synthetic.channels()),
                        synthetic));
    }

    /**
     * What the data step yields: the datasets, and the table and split (modular), the prepared text, or the feature
     * table (images, tables).
     */
    private record Data(
            Dataset train,
            Dataset test,
            ModularTask table,
            ModularTask.Split split,
            TextTask.Prepared text,
            Map<String, Object> info,
            FeatureSet features) {
        Data(
                Dataset train,
                Dataset test,
                ModularTask table,
                ModularTask.Split split,
                TextTask.Prepared text,
                Map<String, Object> info) {
            this(train, test, table, split, text, info, null);
        }
    }

    /**
     * Where an image set's IDX files are: task.path, else the data cache, else (Fashion-MNIST) Debian's package folder.
     */
    public static Path imageDir(Image im) {
        if (im.path() != null) return Path.of(im.path());
        Path cached = DataHome.dataset(DataHome.cache(), im.dataset());
        if (java.nio.file.Files.isDirectory(cached)) return cached;
        Path debian = Path.of("/usr/share/datasets").resolve(im.dataset());
        if (java.nio.file.Files.isDirectory(debian)) return debian;
        throw new org.grokscope.data.text.DataException("task.dataset " + im.dataset() + ": not found in " + cached
                + (im.dataset().equals("fashion-mnist")
                        ? " or " + debian + " (Debian's dataset-fashion-mnist package)"
                        : "")
                + "; put its four IDX files there, or set task.path to their folder");
    }

    /** An image task's feature table, from IDX files or a folder per class. */
    public static FeatureSet prepareImages(Image im, long splitSeed) {
        if (im.idx())
            return org.grokscope.data.image.ImageTask.prepare(new org.grokscope.data.image.ImageTask.Settings(
                    imageDir(im), im.trainCount(), im.testCount(), splitSeed, im.standardize()));
        return org.grokscope.data.image.ImageFolder.prepare(folderSettings(im, splitSeed));
    }

    /** How many training images an image task's source holds (a sample-wise search's largest size). */
    public static int imagePool(Image im, long splitSeed) {
        return im.idx()
                ? org.grokscope.data.image.ImageTask.trainingPool(imageDir(im))
                : org.grokscope.data.image.ImageFolder.trainingPool(folderSettings(im, splitSeed));
    }

    /** How a table task reads its file(s). */
    public static org.grokscope.data.table.TableTask.Settings tableSettings(Table t, long splitSeed) {
        Path path =
                t.dataset().equals("csv") ? Path.of(t.path()) : org.grokscope.data.table.TableTask.bundled(t.dataset());
        TableWindow w = t.window();
        return org.grokscope.data.table.TableTask.Settings.of(path)
                .testPath(t.testPath() == null ? null : Path.of(t.testPath()))
                .delimiter(t.separator())
                .label(t.label())
                .features(t.features())
                .drop(t.drop())
                .labels(t.labels())
                .holdout(t.holdout() == null ? 0 : t.holdout())
                .onBadRow(t.onBadRow())
                .counts(t.trainCount(), t.testCount())
                .splitSeed(splitSeed)
                .standardize(t.standardize())
                .window(
                        w == null
                                ? null
                                : new org.grokscope.data.table.TableTask.Window(
                                        w.length(), w.stride(), w.orderBy(), w.groupBy()))
                .regression(t.target() == TableTarget.VALUE)
                .build();
    }

    private static org.grokscope.data.image.ImageFolder.Settings folderSettings(Image im, long splitSeed) {
        int[] size = im.imageSize() == null
                ? null
                : new int[] {im.imageSize().get(0), im.imageSize().get(1)};
        return org.grokscope.data.image.ImageFolder.Settings.of(Path.of(im.path()))
                .testDir(im.testPath() == null ? null : Path.of(im.testPath()))
                .holdout(im.holdout() == null ? 0 : im.holdout())
                .size(size)
                .rgb(im.color() == ImageColor.RGB)
                .counts(im.trainCount(), im.testCount())
                .splitSeed(splitSeed)
                .standardize(im.standardize())
                .onBadFile(im.onBadFile())
                .build();
    }

    private static Data load(RunConfig cfg, PrintStream log) {
        long splitSeed = cfg.task().splitSeed() != null ? cfg.task().splitSeed() : cfg.seed();
        Map<String, Object> info = new LinkedHashMap<>();
        if (cfg.task() instanceof Text tt) {
            Corpus corpus = corpus(tt, log);
            TextTask.Prepared text = TextTask.prepare(corpus, textSettings(tt, splitSeed));
            describe(info, tt, corpus, text);
            return new Data(text.train(), text.test(), null, null, text, info);
        }
        if (cfg.task() instanceof Table tb) {
            FeatureSet p = org.grokscope.data.table.TableTask.prepare(tableSettings(tb, splitSeed));
            info.put("dataset", tb.dataset());
            info.putAll(p.info());
            return new Data(p.train(), p.test(), null, null, null, info, p);
        }
        if (cfg.task() instanceof Image im) {
            FeatureSet p = prepareImages(im, splitSeed);
            info.putAll(p.info());
            return new Data(p.train(), p.test(), null, null, null, info, p);
        }
        Modular t = cfg.modular();
        InputFormat format = format(cfg.model());
        ModularTask table = new ModularTask(t.p(), t.operation(), splitSeed);
        ModularTask.Split split = table.split(t.trainCount(), t.trainFraction(), t.testFraction(), splitSeed);
        Dataset train = table.dataset(split.train(), format), test = table.dataset(split.test(), format);
        info.put("task", "(x " + t.op().key + " y) mod " + t.p());
        info.put("train_examples", train.size());
        info.put("test_examples", test.size());
        return new Data(train, test, table, split, null, info);
    }

    private Experiment(RunConfig cfg, int threads, int capacity, Data data) {
        this.cfg = cfg;
        splitSeed = cfg.task().splitSeed() != null ? cfg.task().splitSeed() : cfg.seed();
        InputFormat format = format(cfg.model());
        table = data.table();
        split = data.split();
        text = data.text();
        features = data.features();
        train = data.train();
        test = data.test();
        dataInfo.putAll(data.info());
        int vocab = text != null || table == null
                ? train.vocab()
                : format.vocab(cfg.modular().p());
        this.pool = new Parallel(Math.max(threads, capacity));
        pool.use(threads);
        Model net = features != null
                ? onFeatures(cfg.model(), pool, features)
                : buildModel(cfg.model(), pool, vocab, train.seqLen(), train.classes());
        Init.apply(
                net.params(),
                cfg.init().scheme(),
                cfg.init().attentionOrDefault(),
                cfg.init().std(),
                cfg.init().alpha(),
                cfg.seed(),
                cfg.model().initWidth(),
                vocab);
        if (cfg.training().fixedNorm() != null)
            Trainer.projectToSphere(net.params().w, cfg.training().fixedNorm());
        Double outScale = cfg.init().outputScale();
        model = outScale == null
                ? net
                : new Centered(
                        net,
                        features != null
                                ? onFeatures(cfg.model(), pool, features)
                                : buildModel(cfg.model(), pool, vocab, train.seqLen(), train.classes()),
                        outScale);
        Kernels k = new Kernels(pool);
        OptimizerSpec o = cfg.optimizer();
        Optimizer opt = optimizer(o, model.params(), pool, k);
        Training tr = cfg.training();
        Trainer.Settings s = Trainer.settings(tr.steps())
                .batch(tr.batchSize(), tr.evalBatch())
                .evaluation(tr.evalEvery(), tr.stopAtTestAcc(), tr.stopPatience())
                .schedule(outScale == null ? o.lr() : o.lr() / (outScale * outScale), o.warmupSteps())
                .loss(tr.loss(), tr.lossPrecision())
                .seed(cfg.seed())
                .fixedNorm(tr.fixedNorm())
                .keepLastBatch(tr.lastBatch() == LastBatch.KEEP)
                .build();
        trainer = new Trainer(
                model,
                opt,
                new Regularizer(
                        k, cfg.regularization().l2(), cfg.regularization().linf()),
                train,
                test,
                s,
                k);
        checkBuffers(
                model, trainer.batchSize(), Math.min(Math.max(1, tr.evalBatch()), Math.max(train.size(), test.size())));
        boolean synthetic =
                Boolean.TRUE.equals(data.info().get("synthetic")); // a benchmark's data: nothing for a probe to read
        probes = cfg.probes().enabled() && !synthetic && (text != null || table != null || features != null)
                ? probeSuite(cfg, format)
                : null;
    }

    /** The largest number of elements one Java array holds (a little under 2^31 on every JVM we know). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Refuses, before anything is written, a batch whose largest buffer cannot be one Java array: full-batch training
     * on a large table (p = 1999: 1,198,800 examples × 1,999 logits) used to fail inside the model with a negative
     * array size and leave a run directory that said "running".
     */
    static void checkBuffers(Model model, int batch, int evalBatch) {
        long per = model.floatsPerExample();
        if ((long) batch * per > MAX_ARRAY) {
            long most = MAX_ARRAY / per;
            throw new TooLarge(String.format(
                    java.util.Locale.ROOT,
                    "training.batch_size: a batch of %,d examples needs a buffer of %,d floats (%,d per example), "
                            + "more than one Java array holds (%,d); set training.batch_size to at most %,d",
                    batch,
                    batch * per,
                    per,
                    MAX_ARRAY,
                    most));
        }
        if ((long) evalBatch * per > MAX_ARRAY)
            throw new TooLarge(String.format(
                    java.util.Locale.ROOT,
                    "training.eval_batch: evaluating %,d examples at once needs a buffer of %,d floats, more than one "
                            + "Java array holds; set training.eval_batch to at most %,d",
                    evalBatch,
                    evalBatch * per,
                    MAX_ARRAY / per));
    }

    /** A run whose buffers cannot exist on any heap, named by the field to change. */
    public static final class TooLarge extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    // ---- text --------------------------------------------------------------------------------------

    /**
     * The source as configured; single-file sources hold out test rows by task.split_seed (0 when unset), the same for
     * every run seed.
     */
    static TextSource textSource(Text t) {
        TextSource.Kind kind = t.dataset();
        Path path;
        if (t.path() != null) path = Path.of(t.path());
        else {
            KnownDataset known = KnownDataset.of(kind);
            path = DataHome.archive(known);
            if (!Files.exists(path))
                throw new DataException(
                        "task.path is not set and " + path + " does not exist: run 'grokscope data fetch " + known.id
                                + "' (or 'grokscope data import FILE' for an archive you have), or set task.path");
        }
        return TextSource.of(kind, path)
                .testPath(t.testPath() == null ? null : Path.of(t.testPath()))
                .fields(t.textField(), t.labelField())
                .labels(t.labels())
                .starsRule(t.starsRule())
                .holdout(t.holdout(), t.splitSeed() != null ? t.splitSeed() : 0L)
                .onBadRow(t.onBadRow())
                .build();
    }

    static Tokenizer tokenizer(Text t) {
        return switch (t.tokenizer()) {
            case WORDPIECE -> WordPiece.load(Path.of(t.vocabFile()), t.lowercase());
            case WORD -> new WordTokenizer(t.lowercase());
        };
    }

    /** The tokenized corpus, from the data cache when it has it. */
    public static Corpus corpus(Text t, PrintStream log) {
        return Corpus.load(textSource(t), tokenizer(t), DataHome.cache(), log);
    }

    public static TextTask.Settings textSettings(Text t, long splitSeed) {
        return new TextTask.Settings(
                t.trainCount(),
                t.trainFraction(),
                t.testCount(),
                splitSeed,
                t.maxLen(),
                t.longDocs() == LongDocs.DROP,
                t.vocabSize(),
                t.minCount(),
                t.resplit());
    }

    /** Training documents available to a text task (after dropping long ones, if asked): the most a run can use. */
    public static int textTrainingPool(Text t, PrintStream log) {
        Corpus c = corpus(t, log);
        return TextTask.prepare(
                        c,
                        new TextTask.Settings(
                                2,
                                null,
                                1,
                                0,
                                t.maxLen(),
                                t.longDocs() == LongDocs.DROP,
                                t.vocabSize(),
                                t.minCount(),
                                t.resplit()))
                .trainPool();
    }

    private static void describe(Map<String, Object> dataInfo, Text t, Corpus c, TextTask.Prepared text) {
        TextSource src = textSource(t);
        dataInfo.put("dataset", src.kind().id());
        dataInfo.put("path", src.path().toAbsolutePath().toString());
        try {
            if (Files.isRegularFile(src.path())) {
                dataInfo.put("bytes", Files.size(src.path()));
                dataInfo.put("modified", Files.getLastModifiedTime(src.path()).toString());
            }
        } catch (java.io.IOException e) {
            dataInfo.put("bytes", null);
        }
        if (src.testPath() != null)
            dataInfo.put("test_path", src.testPath().toAbsolutePath().toString());
        dataInfo.put("tokenizer", c.tokenizer);
        dataInfo.put("classes", c.classNames);
        dataInfo.put("corpus_train_documents", c.train.size());
        dataInfo.put("corpus_test_documents", c.test.size());
        dataInfo.put("rows_skipped_as_malformed", c.skipped);
        if (!c.problems.isEmpty()) dataInfo.put("first_malformed_rows", c.problems);
        dataInfo.put("rows_dropped_by_rule", c.dropped);
        dataInfo.put("train_pool", text.trainPool());
        dataInfo.put("test_pool", text.testPool());
        dataInfo.put("train_examples", text.train().size());
        dataInfo.put("test_examples", text.test().size());
        dataInfo.put("vocabulary", text.train().vocab());
        dataInfo.put("max_len", text.train().seqLen());
        dataInfo.put("mean_tokens_per_train_document", Math.round(text.meanLength() * 10) / 10.0);
        dataInfo.put("train_documents_truncated", Math.round(text.truncatedFraction() * 1e4) / 1e4);
        double[] sh = text.trainClassShare();
        List<Double> shares = new java.util.ArrayList<>();
        for (double x : sh) shares.add(Math.round(x * 1e4) / 1e4);
        dataInfo.put("train_class_share", shares);
    }

    private ProbeSuite probeSuite(RunConfig cfg, InputFormat format) {
        Probes p = cfg.probes();
        Training tr = cfg.training();
        Advisor.Settings as = new Advisor.Settings(
                cfg.analysis().memorizationThreshold(),
                cfg.analysis().generalizationThreshold(),
                p.departureThreshold(),
                p.normDrop(),
                p.giniRise(),
                p.patience(),
                p.collapseShare());
        ProbeSettings ps = ProbeSettings.builder()
                .cadence(p.every(), p.budget())
                .measure(ProbeSettings.Measure.NORMS, p.norms())
                .measure(ProbeSettings.Measure.NTK, p.ntk())
                .measure(ProbeSettings.Measure.FOURIER, table != null && p.fourier())
                .measure(ProbeSettings.Measure.KERNEL_BASELINE, p.kernelBaseline())
                .ntk(p.ntkSamples(), p.ntkOutput() == NtkOutput.TRUE_CLASS)
                .keyThreshold(p.keyThreshold())
                .kernelBaseline(p.kernelTestSamples(), p.kernelRidge(), p.kernelMaxTrain())
                .advisor(as)
                .stopWhenStalled(p.stopWhenStalled())
                .build();
        Advisor.Context ctx = new Advisor.Context(
                cfg.optimizer().weightDecay() + cfg.regularization().l2(),
                cfg.init().alpha(),
                train.size(),
                text != null ? text.trainPool() : features != null ? features.trainPool() : table.size(),
                tr.loss(),
                tr.lossPrecision(),
                cfg.optimizer().orthogonal(),
                p.forecast() && table != null ? Forecasts.bundled() : null,
                tr.steps());
        if (table == null)
            return new ProbeSuite(ps, model, pool, null, ctx); // text, images, tables: no modular structure to read
        int pp = cfg.modular().p();
        boolean fullTable = table.size() == pp * pp; // row x·p + y holds the pair (x, y)
        int[] all = new int[table.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        ModularContext mod = new ModularContext(
                pp,
                cfg.modular().operation() == ModOp.ADD,
                fullTable ? table.dataset(all, format) : null,
                split.train(),
                split.test(),
                table.size());
        return new ProbeSuite(ps, model, pool, mod, ctx);
    }

    /**
     * The configured optimizer over {@code params}, wrapped as configured: Grokfast's filter runs first, then ⊥Grad,
     * then the optimizer's own step. Refuses (IllegalArgumentException) a Grokfast window that would not fit the heap.
     */
    public static Optimizer optimizer(OptimizerSpec o, org.grokscope.nn.Params params, Parallel pool, Kernels k) {
        int size = params.size();
        Optimizer opt = switch (o.kind()) {
            case ADAMW -> new AdamW(pool, size, o.beta1(), o.beta2(), o.eps(), o.weightDecay());
            case ADAM -> new AdamW(pool, size, o.beta1(), o.beta2(), o.eps(), o.weightDecay(), AdamW.Decay.COUPLED);
            case SGD -> new Sgd(k, size, o.momentum(), o.weightDecay(), Sgd.Step.PLAIN);
            case NORMALIZED_GD -> new Sgd(k, size, o.momentum(), o.weightDecay(), Sgd.Step.NORMALIZED);
        };
        if (o.orthogonal()) opt = new OrthoGrad(opt, params.list());
        Grokfast.Kind filter = o.grokfast().filter();
        if (filter != null) {
            long bytes = Grokfast.stateBytes(filter, size, o.grokfast().window());
            Runtime rt = Runtime.getRuntime();
            long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
            if (bytes > free * 0.8)
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "optimizer.grokfast: the %s filter keeps %d gradient(s) of %d parameters, %.1f GB, more than the %.1f GB of heap free; use kind: ema or a smaller window",
                        o.grokfast().kind().name().toLowerCase(Locale.ROOT),
                        filter == Grokfast.Kind.EMA ? 1 : o.grokfast().window(),
                        size,
                        bytes / 1e9,
                        free / 1e9));
            opt = new Grokfast(
                    opt,
                    size,
                    filter,
                    o.grokfast().alpha(),
                    o.grokfast().lamb(),
                    o.grokfast().window(),
                    o.grokfast().warmup());
        }
        return opt;
    }

    public static InputFormat formatOf(RunConfig cfg) {
        return format(cfg.model());
    }

    static InputFormat format(ModelSpec m) {
        return m.inputFormat();
    }

    /**
     * The model of an image or table task, on its frozen feature table (RunConfig refuses the kinds that read none).
     */
    static Model onFeatures(ModelSpec spec, Parallel pool, FeatureSet f) {
        if (spec instanceof Conv c && (c.sideAfter(f.height()) < 1 || c.sideAfter(f.width()) < 1))
            throw new DataException("model.pool: " + c.channels().size() + " stages of " + c.pool() + "x" + c.pool()
                    + " pooling leave nothing of a " + f.height() + "x" + f.width()
                    + " image; use fewer stages or pool 1");
        return spec.buildOnFeatures(
                pool,
                f.features(),
                f.rows(),
                f.height(),
                f.width(),
                f.channels(),
                f.train().classes());
    }

    public static Model buildModel(ModelSpec spec, Parallel pool, int vocab, int T, int classes) {
        return spec.build(pool, vocab, T, classes);
    }

    /**
     * Engine threads for a run: the override, else training.threads, 0 meaning every core; never more than the cores
     * (results do not depend on the thread count, and oversubscribed spin-waiting workers only slow it down).
     */
    public static int resolveThreads(RunConfig cfg, Integer override) {
        int t = override != null ? override : cfg.training().threads();
        int cores = Parallel.availableCores();
        return t <= 0 ? cores : Math.min(t, cores);
    }

    @Override
    public void close() {
        pool.close();
    }
}
