package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.grokscope.data.ModOp;
import org.grokscope.engine.Act;

/**
 * A complete, resolved description of one training run. Loaded from YAML or JSON (snake_case keys); every missing value
 * takes the default written here, and the resolved record is saved as the run's config.json, so rerunning that file
 * reproduces the run bit for bit.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({
    "name",
    "description",
    "seed",
    "task",
    "model",
    "init",
    "optimizer",
    "regularization",
    "training",
    "analysis",
    "probes"
})
public record RunConfig(
        String name,
        String description,
        Long seed,
        TaskSpec task,
        ModelSpec model,
        InitSpec init,
        OptimizerSpec optimizer,
        Regularization regularization,
        Training training,
        Analysis analysis,
        Probes probes) {

    public RunConfig {
        if (name == null) name = "run";
        if (description == null) description = "";
        if (seed == null) seed = 0L;
        if (task == null) task = Task.defaults();
        if (model == null && task instanceof Text) model = Bag.defaults();
        if (model == null) model = Mlp.defaults();
        if (init == null) init = InitSpec.defaults();
        if (optimizer == null) optimizer = OptimizerSpec.defaults();
        if (regularization == null) regularization = Regularization.defaults();
        if (training == null) training = Training.defaults();
        if (analysis == null) analysis = Analysis.defaults();
        if (probes == null) probes = Probes.defaults();
    }

    public void validate(Problems p) {
        p.require(
                name.matches("[A-Za-z0-9._-]+"),
                "name",
                "use letters, digits, '.', '_' or '-' (it names the run directory), got '" + name + "'");
        task.validate(p);
        model.validate(p, task);
        if (task instanceof Text && !model.forText())
            p.add("model.kind", "a text task needs a text model: bag or encoder");
        if (task instanceof Task && model.forText())
            p.add(
                    "model.kind",
                    "bag and encoder read padded text (token 0 is padding); use mlp, transformer or quadratic for modular arithmetic");
        if (task instanceof Image && !model.forFeatures())
            p.add(
                    "model.kind",
                    "an image task takes model kind mlp (on the flattened pixels; model.embed_dim is not used) or conv");
        if (!(task instanceof Image) && model instanceof Conv)
            p.add("model.kind", "conv reads images: it needs task kind image");
        if (task instanceof Table && !(model instanceof Mlp))
            p.add(
                    "model.kind",
                    "a table task takes model kind mlp (on the feature columns; model.embed_dim is not used)");
        if (task instanceof Table tb && tb.target() == TableTarget.VALUE) {
            p.require(
                    training.loss() == org.grokscope.engine.LossFunction.MSE,
                    "training.loss",
                    "a value target (regression) trains on mse, got "
                            + training.loss().id());
            p.require(
                    !probes.kernelBaseline(),
                    "probes.kernel_baseline",
                    "the kernel baseline classifies; it does not apply to a value target");
        }
        init.validate(p);
        optimizer.validate(p);
        regularization.validate(p);
        training.validate(p);
        analysis.validate(p);
        probes.validate(p, training);
    }

    /** The modular task, for code that only makes sense on it (Fourier probes, the kernel command). */
    public Task modular() {
        if (task instanceof Task t) return t;
        throw new IllegalStateException("not a modular-arithmetic task");
    }

    /** What the model learns: modular arithmetic (kind: modular, the default) or labelled text (kind: text). */
    @JsonTypeInfo(
            use = JsonTypeInfo.Id.NAME,
            property = "kind") // a missing kind is filled in as "modular" by ConfigLoader
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Task.class, name = "modular"),
        @JsonSubTypes.Type(value = Text.class, name = "text"),
        @JsonSubTypes.Type(value = Image.class, name = "image"),
        @JsonSubTypes.Type(value = Table.class, name = "table")
    })
    public sealed interface TaskSpec permits Task, Text, Image, Table {
        Integer trainCount();

        Double trainFraction();

        Long splitSeed();

        void validate(Problems p);
    }

    /** Modular arithmetic "x ∘ y = c (mod p)". */
    @JsonPropertyOrder({"op", "p", "train_fraction", "train_count", "test_fraction", "split_seed"})
    public record Task(
            ModOp op, Integer p, Double trainFraction, Integer trainCount, Double testFraction, Long splitSeed)
            implements TaskSpec {
        /** Every value at its default (what an absent section means). */
        public static Task defaults() {
            return new Task(null, null, null, null, null, null);
        }

        public Task {
            if (op == null) op = ModOp.ADD;
            if (p == null) p = 97;
            if (trainFraction == null && trainCount == null) trainFraction = 0.3;
        }

        public ModOp operation() {
            return op;
        }

        @Override
        public void validate(Problems pr) {
            ModOp o = op;
            pr.require(p >= 2 && p <= 2000, "task.p", "must be between 2 and 2000, got " + p);
            if (o != null && o.needsPrime())
                pr.require(ModOp.isPrime(p), "task.p", "operation " + op.key + " needs a prime modulus, got " + p);
            if (trainFraction != null && trainCount != null)
                pr.add("task.train_count", "give train_fraction or train_count, not both");
            if (trainFraction != null)
                pr.require(
                        trainFraction > 0 && trainFraction < 1,
                        "task.train_fraction",
                        "must be in (0, 1), got " + trainFraction);
            if (trainCount != null) pr.require(trainCount >= 1, "task.train_count", "must be >= 1, got " + trainCount);
            if (testFraction != null)
                pr.require(
                        testFraction > 0 && testFraction < 1,
                        "task.test_fraction",
                        "must be in (0, 1), got " + testFraction);
            boolean fieldsOk = (trainFraction == null || (trainFraction > 0 && trainFraction < 1))
                    && (testFraction == null || (testFraction > 0 && testFraction < 1))
                    && (trainCount == null || trainCount >= 1);
            if (p >= 2 && p <= 2000 && o != null && fieldsOk) { // cross-field checks only once each field is valid
                long total = o == ModOp.DIV ? (long) p * (p - 1) : (long) p * p;
                long nTest = testFraction == null ? 0 : Math.round(testFraction * total);
                long nTrain =
                        trainCount != null ? trainCount : trainFraction != null ? Math.round(trainFraction * total) : 0;
                if (trainCount != null)
                    pr.require(
                            nTrain + nTest <= total,
                            "task.train_count",
                            "the table has " + total + " examples"
                                    + (nTest > 0 ? " and " + nTest + " are held out for testing" : "") + "; " + nTrain
                                    + " is too many");
                if (trainFraction != null && testFraction != null)
                    pr.require(
                            trainFraction + testFraction <= 1,
                            "task.train_fraction",
                            "train_fraction + test_fraction must be <= 1");
                if (testFraction == null)
                    pr.require(
                            nTrain < total,
                            trainCount != null ? "task.train_count" : "task.train_fraction",
                            "leaves no test examples (the table has " + total + ")");
            }
        }
    }

    /**
     * Image classification (see {@link org.grokscope.data.image.ImageTask}): {@code dataset} mnist or fashion-mnist
     * (read from {@code path}, else the data cache, else Debian's dataset-fashion-mnist folder), idx (any set in that
     * layout, {@code path} required), or folder ({@code path} holds one sub-folder of PNG/JPEG/GIF/BMP files per class;
     * see {@link org.grokscope.data.image.ImageFolder}): its test split is the folder {@code test_path}, else a
     * stratified {@code holdout} share of each class (default 0.2); {@code image_size} [height, width] resizes every
     * image (absent: all must share the first one's size); {@code color} gray or rgb (IDX sets are gray); a file that
     * does not decode stops the run, or with {@code on_bad_file: skip} is left out and counted. Every training image is
     * used unless {@code train_count} picks a stratified nested subset; {@code test_count} images of the test split are
     * scored (0: all of them). Pixels are standardized per channel from the training images.
     */
    @JsonPropertyOrder({
        "dataset",
        "path",
        "test_path",
        "holdout",
        "image_size",
        "color",
        "on_bad_file",
        "train_count",
        "test_count",
        "split_seed",
        "standardize"
    })
    public record Image(
            String dataset,
            String path,
            String testPath,
            Double holdout,
            java.util.List<Integer> imageSize,
            ImageColor color,
            OnBadRow onBadFile,
            Integer trainCount,
            Integer testCount,
            Long splitSeed,
            Boolean standardize)
            implements TaskSpec {
        public static final java.util.List<String> DATASETS =
                java.util.List.of("mnist", "fashion-mnist", "idx", "folder");

        public Image {
            if (dataset == null) dataset = "mnist";
            if (color == null) color = dataset.equals("folder") ? ImageColor.RGB : ImageColor.GRAY;
            if (holdout == null && dataset.equals("folder") && testPath == null) holdout = 0.2;
            if (onBadFile == null) onBadFile = OnBadRow.ERROR;
            if (testCount == null) testCount = 0;
            if (standardize == null) standardize = true;
        }

        /** The IDX layout (mnist, fashion-mnist, idx) rather than a folder of image files. */
        public boolean idx() {
            return !dataset.equals("folder");
        }

        @Override
        public Double trainFraction() {
            return null;
        }

        @Override
        public void validate(Problems p) {
            p.require(
                    DATASETS.contains(dataset),
                    "task.dataset",
                    "must be one of " + DATASETS + ", got '" + dataset + "'");
            if (dataset.equals("idx"))
                p.require(
                        path != null, "task.path", "dataset idx needs a path (the folder holding the four IDX files)");
            if (dataset.equals("folder"))
                p.require(
                        path != null,
                        "task.path",
                        "dataset folder needs a path (the folder with one sub-folder of images per class)");
            if (idx()) {
                p.require(
                        color == ImageColor.GRAY, "task.color", "IDX images are grayscale; rgb is for dataset folder");
                p.require(
                        imageSize == null,
                        "task.image_size",
                        "IDX images keep their size; image_size is for dataset folder");
                p.require(
                        testPath == null,
                        "task.test_path",
                        "an IDX set holds its test split; test_path is for dataset folder");
                p.require(
                        holdout == null,
                        "task.holdout",
                        "an IDX set holds its test split; holdout is for dataset folder");
            } else {
                if (testPath != null) p.require(holdout == null, "task.holdout", "give test_path or holdout, not both");
                if (holdout != null)
                    p.require(
                            holdout > 0 && holdout < 1,
                            "task.holdout",
                            "must be in (0, 1) (the test share of each class), got " + holdout);
            }
            if (imageSize != null) {
                p.require(imageSize.size() == 2, "task.image_size", "is [height, width], got " + imageSize);
                if (imageSize.size() == 2)
                    for (int i = 0; i < 2; i++) {
                        Integer v = imageSize.get(i);
                        p.require(
                                v != null && v >= 1 && v <= 4096,
                                "task.image_size[" + i + "]",
                                "must be in [1, 4096], got " + v);
                    }
            }
            if (trainCount != null) p.require(trainCount >= 2, "task.train_count", "must be >= 2, got " + trainCount);
            p.require(testCount >= 0, "task.test_count", "must be >= 0 (0 = the whole test split), got " + testCount);
        }
    }

    /**
     * Classification from a numeric table (see {@link org.grokscope.data.table.TableTask}): {@code dataset} csv (your
     * own CSV or TSV at {@code path}, a header row naming the columns) or breast-cancer (the Wisconsin diagnostic set
     * that ships with grokscope). {@code label} is the label column (default the last), {@code features} the feature
     * columns (default all others but {@code drop}); {@code labels} fixes the classes and their order. The test split
     * is the file {@code test_path}, else a stratified {@code holdout} share (default 0.2). {@code window} makes each
     * example {@code length} consecutive rows of a series ordered by {@code order_by} (per {@code group_by}); the test
     * split is then the last holdout share of each series. Rows with missing or non-numeric cells stop the run, or with
     * {@code on_bad_row: skip} are left out and counted.
     */
    @JsonPropertyOrder({
        "dataset",
        "path",
        "test_path",
        "delimiter",
        "label",
        "target",
        "features",
        "drop",
        "labels",
        "holdout",
        "on_bad_row",
        "window",
        "train_count",
        "test_count",
        "split_seed",
        "standardize"
    })
    public record Table(
            String dataset,
            String path,
            String testPath,
            String delimiter,
            String label,
            TableTarget target,
            java.util.List<String> features,
            java.util.List<String> drop,
            java.util.List<String> labels,
            Double holdout,
            OnBadRow onBadRow,
            TableWindow window,
            Integer trainCount,
            Integer testCount,
            Long splitSeed,
            Boolean standardize)
            implements TaskSpec {
        public static final java.util.List<String> DATASETS = java.util.List.of("csv", "breast-cancer");

        public Table {
            if (dataset == null) dataset = "csv";
            if (target == null) target = TableTarget.CLASS;
            if (holdout == null && testPath == null) holdout = 0.2;
            if (onBadRow == null) onBadRow = OnBadRow.ERROR;
            if (testCount == null) testCount = 0;
            if (standardize == null) standardize = true;
        }

        /**
         * The separator character: as given (",", ";", "\t", or the words comma, semicolon, tab), else null (by the
         * file's name).
         */
        public Character separator() {
            if (delimiter == null) return null;
            return switch (delimiter) {
                case "comma" -> ',';
                case "semicolon" -> ';';
                case "tab", "\\t" -> '\t';
                default -> delimiter.length() == 1 ? delimiter.charAt(0) : null;
            };
        }

        @Override
        public Double trainFraction() {
            return null;
        }

        @Override
        public void validate(Problems p) {
            p.require(
                    DATASETS.contains(dataset),
                    "task.dataset",
                    "must be one of " + DATASETS + ", got '" + dataset + "'");
            if (dataset.equals("csv"))
                p.require(path != null, "task.path", "dataset csv needs a path (a CSV or TSV file with a header row)");
            else
                p.require(
                        path == null,
                        "task.path",
                        "dataset " + dataset + " ships with grokscope; use dataset csv for a file of your own");
            if (delimiter != null)
                p.require(
                        separator() != null && separator() != '"' && separator() != '\n' && separator() != '\r',
                        "task.delimiter",
                        "must be one character (',', ';', '\\t') or comma, semicolon, tab; got '" + delimiter + "'");
            if (testPath != null) p.require(holdout == null, "task.holdout", "give test_path or holdout, not both");
            if (holdout != null)
                p.require(
                        holdout > 0 && holdout < 1,
                        "task.holdout",
                        "must be in (0, 1) (the test share), got " + holdout);
            if (labels != null)
                p.require(
                        labels.size() >= 2 && new java.util.HashSet<>(labels).size() == labels.size(),
                        "task.labels",
                        "needs at least two distinct labels, got " + labels);
            if (target == TableTarget.VALUE)
                p.require(labels == null, "task.labels", "a value target (regression) has no classes");
            if (features != null)
                p.require(
                        !features.isEmpty(),
                        "task.features",
                        "needs at least one column (or leave it out: every column but the label)");
            if (features != null && label != null)
                p.require(!features.contains(label), "task.features", "'" + label + "' is the label column");
            if (window != null) window.validate(p);
            if (trainCount != null) p.require(trainCount >= 2, "task.train_count", "must be >= 2, got " + trainCount);
            p.require(testCount >= 0, "task.test_count", "must be >= 0 (0 = the whole test split), got " + testCount);
        }
    }

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

    /**
     * Labelled text (see {@link org.grokscope.data.text.TextSource} for the formats and
     * {@link org.grokscope.data.text.TextTask} for subsets, vocabulary and sequences). {@code path} may be left out for
     * imdb and yelp-polarity: then the archive fetched or imported into the data cache is used.
     */
    @JsonPropertyOrder({
        "dataset",
        "path",
        "test_path",
        "text_field",
        "label_field",
        "labels",
        "stars_rule",
        "holdout",
        "on_bad_row",
        "train_count",
        "train_fraction",
        "test_count",
        "split_seed",
        "tokenizer",
        "lowercase",
        "vocab_size",
        "min_count",
        "vocab_file",
        "max_len",
        "long_docs",
        "resplit"
    })
    public record Text(
            String dataset,
            String path,
            String testPath,
            String textField,
            String labelField,
            java.util.List<String> labels,
            StarsRule starsRule,
            Double holdout,
            OnBadRow onBadRow,
            Integer trainCount,
            Double trainFraction,
            Integer testCount,
            Long splitSeed,
            Tokenizer tokenizer,
            Boolean lowercase,
            Integer vocabSize,
            Integer minCount,
            String vocabFile,
            Integer maxLen,
            LongDocs longDocs,
            Double resplit)
            implements TaskSpec {
        public Text {
            if (dataset == null) dataset = "imdb";
            if (textField == null) textField = "text";
            if (labelField == null) labelField = "label";
            if (starsRule == null) starsRule = StarsRule.POLARITY;
            if (holdout == null) holdout = 0.25;
            if (onBadRow == null) onBadRow = OnBadRow.ERROR;
            if (trainFraction == null && trainCount == null) trainFraction = 1.0;
            if (testCount == null) testCount = 2000;
            if (tokenizer == null) tokenizer = Tokenizer.WORD;
            if (lowercase == null) lowercase = true;
            if (vocabSize == null) vocabSize = 10_000;
            if (minCount == null) minCount = 1;
            if (maxLen == null) maxLen = 256;
            if (longDocs == null) longDocs = LongDocs.TRUNCATE;
        }

        @Override
        public void validate(Problems p) {
            try {
                org.grokscope.data.text.TextSource.Kind.parse(dataset);
            } catch (IllegalArgumentException e) {
                p.add("task.dataset", e.getMessage());
            }
            boolean known = dataset.equals("imdb") || dataset.equals("yelp-polarity");
            if (!known)
                p.require(
                        path != null, "task.path", "dataset " + dataset + " needs a path (the file or folder to read)");
            p.require(holdout > 0 && holdout < 1, "task.holdout", "must be in (0, 1), got " + holdout);
            if (trainFraction != null && trainCount != null)
                p.add("task.train_count", "give train_fraction or train_count, not both");
            if (trainFraction != null)
                p.require(
                        trainFraction > 0 && trainFraction <= 1,
                        "task.train_fraction",
                        "must be in (0, 1], got " + trainFraction);
            if (trainCount != null) p.require(trainCount >= 2, "task.train_count", "must be >= 2, got " + trainCount);
            p.require(testCount >= 0, "task.test_count", "must be >= 0 (0 = the whole test split), got " + testCount);
            if (tokenizer == Tokenizer.WORDPIECE)
                p.require(
                        vocabFile != null,
                        "task.vocab_file",
                        "the wordpiece tokenizer needs a BERT vocab.txt (e.g. bert-base-uncased's)");
            p.require(
                    vocabSize >= 4 && vocabSize <= 1 << 22,
                    "task.vocab_size",
                    "must be in [4, 4194304], got " + vocabSize);
            p.require(minCount >= 1, "task.min_count", "must be >= 1, got " + minCount);
            p.require(maxLen >= 3 && maxLen <= 4096, "task.max_len", "must be in [3, 4096], got " + maxLen);
            if (resplit != null)
                p.require(
                        resplit > 0 && resplit < 1,
                        "task.resplit",
                        "must be in (0, 1) (the test share of the pooled splits), or absent, got " + resplit);
            if (labels != null)
                p.require(
                        labels.size() >= 2 && new java.util.HashSet<>(labels).size() == labels.size(),
                        "task.labels",
                        "needs at least two distinct labels, got " + labels);
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind") // a missing kind is filled in as "mlp" by ConfigLoader
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Mlp.class, name = "mlp"),
        @JsonSubTypes.Type(value = TransformerSpec.class, name = "transformer"),
        @JsonSubTypes.Type(value = Quadratic.class, name = "quadratic"),
        @JsonSubTypes.Type(value = Bag.class, name = "bag"),
        @JsonSubTypes.Type(value = EncoderSpec.class, name = "encoder"),
        @JsonSubTypes.Type(value = Conv.class, name = "conv")
    })
    public sealed interface ModelSpec permits Mlp, TransformerSpec, Quadratic, Bag, EncoderSpec, Conv {
        void validate(Problems p, TaskSpec task);

        /**
         * The model, for a task with this vocabulary, sequence length and number of classes (its parameters still
         * zero).
         */
        org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes);

        /**
         * The model on a frozen feature table [rows, height·width·channels] (images, channels last), each example's
         * token the index of its row; only mlp (on the flattened values) and conv read one.
         */
        default org.grokscope.nn.Model buildOnFeatures(
                org.grokscope.engine.Parallel pool,
                float[] table,
                int rows,
                int height,
                int width,
                int channels,
                int classes) {
            throw new IllegalStateException(getClass().getSimpleName() + " does not read feature tables");
        }

        /** Whether it reads a feature table (image and table tasks). */
        default boolean forFeatures() {
            return this instanceof Mlp || this instanceof Conv;
        }

        /** How a modular task's examples are written as tokens for this model. */
        default org.grokscope.data.InputFormat inputFormat() {
            return org.grokscope.data.InputFormat.PAIR;
        }

        /** The width the nanda initialization scales by (d_model, or the embedding width). */
        int initWidth();

        /** Whether the model reads padded text (bag, encoder) rather than fixed modular sequences. */
        default boolean forText() {
            return this instanceof Bag || this instanceof EncoderSpec;
        }
    }

    /** Embedding bag for text: mean of the non-padding token embeddings, then an MLP of {@code depth} hidden layers. */
    @JsonPropertyOrder({"embed_dim", "hidden", "depth", "activation"})
    public record Bag(Integer embedDim, Integer hidden, Integer depth, Act activation) implements ModelSpec {
        /** Every value at its default (what an absent section means). */
        public static Bag defaults() {
            return new Bag(null, null, null, null);
        }

        public Bag {
            if (embedDim == null) embedDim = 64;
            if (hidden == null) hidden = 128;
            if (depth == null) depth = 1;
            if (activation == null) activation = Act.RELU;
        }

        @Override
        public void validate(Problems p, TaskSpec task) {
            checkWidths(p, embedDim, hidden);
            p.require(
                    depth >= 0 && depth <= 16,
                    "model.depth",
                    "must be in [0, 16] (0 = a linear classifier on the mean embedding), got " + depth);
        }

        @Override
        public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
            return new org.grokscope.nn.Bag(pool, vocab, seqLen, embedDim, hidden, depth, classes, activation);
        }

        @Override
        public int initWidth() {
            return embedDim;
        }
    }

    /** BERT-style encoder for text (post-LN, padding mask, [CLS] or mean pooling, optional tanh pooler). */
    @JsonPropertyOrder({"d_model", "heads", "d_ff", "layers", "activation", "pooling", "pooler"})
    public record EncoderSpec(
            Integer dModel,
            Integer heads,
            Integer dFf,
            Integer layers,
            Act activation,
            org.grokscope.nn.Encoder.Pooling pooling,
            Boolean pooler)
            implements ModelSpec {
        public EncoderSpec {
            if (dModel == null) dModel = 128;
            if (heads == null) heads = 4;
            if (dFf == null) dFf = 4 * dModel;
            if (layers == null) layers = 1;
            if (activation == null) activation = Act.GELU;
            if (pooling == null) pooling = org.grokscope.nn.Encoder.Pooling.CLS;
            if (pooler == null) pooler = true;
        }

        @Override
        public void validate(Problems p, TaskSpec task) {
            p.require(dModel >= 1 && dModel <= 4096, "model.d_model", "must be in [1, 4096], got " + dModel);
            p.require(
                    heads >= 1 && dModel % heads == 0,
                    "model.heads",
                    "must divide d_model (" + dModel + "), got " + heads);
            p.require(dFf >= 1 && dFf <= 65536, "model.d_ff", "must be in [1, 65536], got " + dFf);
            p.require(layers >= 1 && layers <= 24, "model.layers", "must be in [1, 24], got " + layers);
        }

        @Override
        public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
            return new org.grokscope.nn.Encoder(
                    pool,
                    new org.grokscope.nn.Encoder.Spec(
                            vocab, seqLen, dModel, heads, dFf, layers, activation, pooling, pooler, classes));
        }

        @Override
        public int initWidth() {
            return dModel;
        }
    }

    /** MLP over concatenated token embeddings [x, y]; embed_dim 0 feeds the tokens one-hot instead. */
    @JsonPropertyOrder({"embed_dim", "hidden", "depth", "activation"})
    public record Mlp(Integer embedDim, Integer hidden, Integer depth, Act activation) implements ModelSpec {
        /** Every value at its default (what an absent section means). */
        public static Mlp defaults() {
            return new Mlp(null, null, null, null);
        }

        public Mlp {
            if (embedDim == null) embedDim = 128;
            if (hidden == null) hidden = 512;
            if (depth == null) depth = 1;
            if (activation == null) activation = Act.RELU;
        }

        @Override
        public void validate(Problems p, TaskSpec task) {
            p.require(
                    embedDim >= 0 && embedDim <= 8192,
                    "model.embed_dim",
                    "must be in [0, 8192] (0 = one-hot input), got " + embedDim);
            p.require(hidden >= 1 && hidden <= 65536, "model.hidden", "must be in [1, 65536], got " + hidden);
            p.require(depth >= 1 && depth <= 16, "model.depth", "must be in [1, 16], got " + depth);
        }

        @Override
        public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
            return new org.grokscope.nn.EmbedMlp(pool, vocab, seqLen, embedDim, hidden, depth, classes, activation);
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
            return new org.grokscope.nn.DenseMlp(
                    pool, table, rows, height * width * channels, hidden, depth, classes, activation);
        }

        @Override
        public int initWidth() {
            return embedDim > 0 ? embedDim : hidden;
        }
    }

    /**
     * Small convolutional network for image tasks ({@link org.grokscope.nn.ConvNet}): per entry of {@code channels} a
     * k×k conv (stride 1, same padding) + activation + max pooling over pool×pool windows (1: none), then (Linear, act)
     * × depth → Linear on the flattened maps; depth 0 (the default when hidden is 0) is a linear head.
     */
    @JsonPropertyOrder({"channels", "kernel", "pool", "hidden", "depth", "activation"})
    public record Conv(
            java.util.List<Integer> channels,
            Integer kernel,
            Integer pool,
            Integer hidden,
            Integer depth,
            Act activation)
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
                p.require(
                        c != null && c >= 1 && c <= 1024,
                        "model.channels[" + i + "]",
                        "must be in [1, 1024], got " + c);
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

    /** Decoder-only transformer; logits at the last position. */
    @JsonPropertyOrder({"d_model", "heads", "d_mlp", "layers", "norm", "activation", "attn_bias", "mlp_bias", "format"})
    public record TransformerSpec(
            Integer dModel,
            Integer heads,
            Integer dMlp,
            Integer layers,
            org.grokscope.nn.Transformer.Norm norm,
            Act activation,
            Boolean attnBias,
            Boolean mlpBias,
            TransformerFormat format)
            implements ModelSpec {
        public TransformerSpec {
            if (dModel == null) dModel = 128;
            if (heads == null) heads = 4;
            if (dMlp == null) dMlp = 4 * dModel;
            if (layers == null) layers = 1;
            if (norm == null) norm = org.grokscope.nn.Transformer.Norm.NONE;
            if (activation == null) activation = Act.RELU;
            if (attnBias == null) attnBias = false;
            if (mlpBias == null) mlpBias = true;
            if (format == null) format = TransformerFormat.EQUALS;
        }

        @Override
        public void validate(Problems p, TaskSpec task) {
            p.require(dModel >= 1 && dModel <= 4096, "model.d_model", "must be in [1, 4096], got " + dModel);
            p.require(
                    heads >= 1 && dModel % heads == 0,
                    "model.heads",
                    "must divide d_model (" + dModel + "), got " + heads);
            p.require(dMlp >= 1 && dMlp <= 65536, "model.d_mlp", "must be in [1, 65536], got " + dMlp);
            p.require(layers >= 1 && layers <= 24, "model.layers", "must be in [1, 24], got " + layers);
        }

        @Override
        public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
            return new org.grokscope.nn.Transformer(
                    pool,
                    new org.grokscope.nn.Transformer.Spec(
                            vocab, seqLen, dModel, heads, dMlp, layers, norm, activation, classes, attnBias, mlpBias));
        }

        @Override
        public org.grokscope.data.InputFormat inputFormat() {
            return switch (format) {
                case EQUALS -> org.grokscope.data.InputFormat.EQUALS;
                case OP_EQUALS -> org.grokscope.data.InputFormat.OP_EQUALS;
            };
        }

        @Override
        public int initWidth() {
            return dModel;
        }
    }

    /** Two-layer quadratic network f = V (W x)^2, one-hot x, no biases. */
    @JsonPropertyOrder({"width"})
    public record Quadratic(Integer width) implements ModelSpec {
        public Quadratic {
            if (width == null) width = 512;
        }

        @Override
        public void validate(Problems p, TaskSpec task) {
            p.require(width >= 1 && width <= 1 << 20, "model.width", "must be in [1, 1048576], got " + width);
        }

        @Override
        public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
            return new org.grokscope.nn.QuadraticNet(pool, vocab, width, classes);
        }

        @Override
        public int initWidth() {
            return width;
        }
    }

    // embedding width and hidden width of the MLP-headed models (mlp, bag)
    static void checkWidths(Problems p, int embedDim, int hidden) {
        p.require(embedDim >= 1 && embedDim <= 8192, "model.embed_dim", "must be in [1, 8192], got " + embedDim);
        p.require(hidden >= 1 && hidden <= 65536, "model.hidden", "must be in [1, 65536], got " + hidden);
    }

    /**
     * Initialization scheme, then every parameter × alpha (the grokking configuration). {@code output_scale} (unset =
     * off) is Kumar et al.'s laziness knob instead: the output becomes output_scale·(f(θ) − f(θ₀)) and the learning
     * rate is divided by output_scale², so lr is the rate at scale 1 and a large scale is lazy.
     */
    @JsonPropertyOrder({"scheme", "std", "alpha", "output_scale"})
    public record InitSpec(org.grokscope.train.Init.Scheme scheme, Double std, Double alpha, Double outputScale) {
        /** Every value at its default (what an absent section means). */
        public static InitSpec defaults() {
            return new InitSpec(null, null, null, null);
        }

        public InitSpec {
            if (scheme == null) scheme = org.grokscope.train.Init.Scheme.PYTORCH;
            if (std == null) std = 0.02;
            if (alpha == null) alpha = 1.0;
        }

        void validate(Problems p) {
            p.require(std > 0 && Double.isFinite(std), "init.std", "must be > 0, got " + std);
            p.require(alpha > 0 && Double.isFinite(alpha), "init.alpha", "must be > 0, got " + alpha);
            if (outputScale != null)
                p.require(
                        outputScale > 0 && Double.isFinite(outputScale),
                        "init.output_scale",
                        "must be > 0 (or absent), got " + outputScale);
        }
    }

    /**
     * The optimizer, optionally wrapped: {@code grokfast} filters the gradient first (Lee et al. 2024), then
     * {@code orthogonal} makes each tensor's gradient orthogonal to its weights (⊥Grad, Prieto et al. 2025), then the
     * optimizer steps (see {@link org.grokscope.train.Grokfast} and {@link org.grokscope.train.OrthoGrad}).
     */
    @JsonPropertyOrder({
        "kind",
        "lr",
        "weight_decay",
        "beta1",
        "beta2",
        "eps",
        "momentum",
        "warmup_steps",
        "orthogonal",
        "grokfast"
    })
    public record OptimizerSpec(
            OptimizerKind kind,
            Double lr,
            Double weightDecay,
            Double beta1,
            Double beta2,
            Double eps,
            Double momentum,
            Integer warmupSteps,
            Boolean orthogonal,
            GrokfastSpec grokfast) {
        /** Every value at its default (what an absent section means). */
        public static OptimizerSpec defaults() {
            return new OptimizerSpec(null, null, null, null, null, null, null, null, null, null);
        }

        public OptimizerSpec {
            if (orthogonal == null) orthogonal = false;
            if (grokfast == null) grokfast = GrokfastSpec.defaults();
            if (kind == null) kind = OptimizerKind.ADAMW;
            if (lr == null) lr = 1e-3;
            if (weightDecay == null) weightDecay = kind == OptimizerKind.ADAMW ? 1.0 : 0.0;
            if (beta1 == null) beta1 = 0.9;
            if (beta2 == null) beta2 = 0.98;
            if (eps == null) eps = 1e-8;
            if (momentum == null) momentum = 0.0;
            if (warmupSteps == null) warmupSteps = 0;
        }

        void validate(Problems p) {
            p.require(lr > 0 && Double.isFinite(lr), "optimizer.lr", "must be > 0, got " + lr);
            p.require(
                    weightDecay >= 0 && Double.isFinite(weightDecay),
                    "optimizer.weight_decay",
                    "must be >= 0, got " + weightDecay);
            p.require(beta1 >= 0 && beta1 < 1, "optimizer.beta1", "must be in [0, 1), got " + beta1);
            p.require(beta2 >= 0 && beta2 < 1, "optimizer.beta2", "must be in [0, 1), got " + beta2);
            p.require(eps > 0, "optimizer.eps", "must be > 0, got " + eps);
            p.require(momentum >= 0 && momentum < 1, "optimizer.momentum", "must be in [0, 1), got " + momentum);
            p.require(warmupSteps >= 0, "optimizer.warmup_steps", "must be >= 0, got " + warmupSteps);
            grokfast.validate(p);
        }
    }

    /**
     * Grokfast's gradient filter: {@code kind} none (off), ema ({@code alpha} 0.98, {@code lamb} 2) or ma (the mean of
     * the last {@code window} 100 gradients, {@code lamb} 5, applied once the window is full unless {@code warmup} is
     * false). The paper's defaults for each kind.
     */
    @JsonPropertyOrder({"kind", "alpha", "lamb", "window", "warmup"})
    public record GrokfastSpec(GrokfastFilter kind, Double alpha, Double lamb, Integer window, Boolean warmup) {
        /** Every value at its default (what an absent section means). */
        public static GrokfastSpec defaults() {
            return new GrokfastSpec(null, null, null, null, null);
        }

        public GrokfastSpec {
            if (kind == null) kind = GrokfastFilter.NONE;
            if (alpha == null) alpha = 0.98;
            if (lamb == null) lamb = kind == GrokfastFilter.MA ? 5.0 : 2.0;
            if (window == null) window = 100;
            if (warmup == null) warmup = true;
        }

        /** The filter, or null when off. */
        public org.grokscope.train.Grokfast.Kind filter() {
            return switch (kind) {
                case NONE -> null;
                case EMA -> org.grokscope.train.Grokfast.Kind.EMA;
                case MA -> org.grokscope.train.Grokfast.Kind.MA;
            };
        }

        void validate(Problems p) {
            p.require(alpha >= 0 && alpha < 1, "optimizer.grokfast.alpha", "must be in [0, 1), got " + alpha);
            p.require(lamb >= 0 && Double.isFinite(lamb), "optimizer.grokfast.lamb", "must be >= 0, got " + lamb);
            p.require(
                    window >= 1 && window <= 10_000,
                    "optimizer.grokfast.window",
                    "must be in [1, 10000], got " + window);
        }
    }

    /** Explicit penalties: (l2/2)·‖θ‖² and linf·‖θ‖∞. */
    @JsonPropertyOrder({"l2", "linf"})
    public record Regularization(Double l2, Double linf) {
        /** Every value at its default (what an absent section means). */
        public static Regularization defaults() {
            return new Regularization(null, null);
        }

        public Regularization {
            if (l2 == null) l2 = 0.0;
            if (linf == null) linf = 0.0;
        }

        void validate(Problems p) {
            p.require(l2 >= 0 && Double.isFinite(l2), "regularization.l2", "must be >= 0, got " + l2);
            p.require(linf >= 0 && Double.isFinite(linf), "regularization.linf", "must be >= 0, got " + linf);
        }
    }

    /**
     * {@code fixed_norm}: Omnigrok's constrained training, ‖θ‖₂ rescaled to this value after init and every step.
     * {@code loss}: cross_entropy, stablemax_ce or mse ({@link org.grokscope.engine.LossFunction});
     * {@code loss_precision}: fp64 (default) or fp32, the arithmetic of the loss and its gradient
     * ({@link org.grokscope.engine.LossPrecision}).
     */
    @JsonPropertyOrder({
        "steps",
        "batch_size",
        "eval_every",
        "eval_batch",
        "loss",
        "loss_precision",
        "stop_at_test_acc",
        "stop_patience",
        "threads",
        "fixed_norm",
        "last_batch"
    })
    public record Training(
            Integer steps,
            Integer batchSize,
            Integer evalEvery,
            Integer evalBatch,
            org.grokscope.engine.LossFunction loss,
            org.grokscope.engine.LossPrecision lossPrecision,
            Double stopAtTestAcc,
            Integer stopPatience,
            Integer threads,
            Double fixedNorm,
            LastBatch lastBatch) {
        /** Every value at its default (what an absent section means). */
        public static Training defaults() {
            return new Training(null, null, null, null, null, null, null, null, null, null, null);
        }

        public Training {
            if (lossPrecision == null) lossPrecision = org.grokscope.engine.LossPrecision.FP64;
            if (steps == null) steps = 10_000;
            if (batchSize == null) batchSize = 0;
            if (evalEvery == null) evalEvery = 100;
            if (evalBatch == null) evalBatch = 8192;
            if (loss == null) loss = org.grokscope.engine.LossFunction.CROSS_ENTROPY;
            if (stopPatience == null) stopPatience = 1;
            if (threads == null) threads = 0;
            if (lastBatch == null) lastBatch = LastBatch.DROP;
        }

        void validate(Problems p) {
            p.require(steps >= 0, "training.steps", "must be >= 0, got " + steps);
            p.require(batchSize >= 0, "training.batch_size", "must be >= 0 (0 = full batch), got " + batchSize);
            p.require(evalEvery >= 1, "training.eval_every", "must be >= 1, got " + evalEvery);
            p.require(evalBatch >= 1, "training.eval_batch", "must be >= 1, got " + evalBatch);
            if (stopAtTestAcc != null)
                p.require(
                        stopAtTestAcc > 0 && stopAtTestAcc <= 1,
                        "training.stop_at_test_acc",
                        "must be in (0, 1], got " + stopAtTestAcc);
            p.require(stopPatience >= 1, "training.stop_patience", "must be >= 1, got " + stopPatience);
            p.require(
                    threads >= 0 && threads <= 1024,
                    "training.threads",
                    "must be >= 0 (0 = all cores), got " + threads);
            if (fixedNorm != null)
                p.require(
                        fixedNorm > 0 && Double.isFinite(fixedNorm),
                        "training.fixed_norm",
                        "must be > 0 (or absent), got " + fixedNorm);
        }
    }

    /**
     * Accuracy thresholds that define the memorization and generalization steps, and Liu et al.'s phase rules (one
     * accuracy threshold for train and test, 0.9 in the paper, and the gap in steps below which generalizing counts as
     * comprehension rather than grokking, 1,000 in the paper). Tasks whose best test accuracy is far below 90 % (text)
     * need a lower phase threshold.
     */
    @JsonPropertyOrder({"memorization_threshold", "generalization_threshold", "phase_threshold", "phase_gap"})
    public record Analysis(
            Double memorizationThreshold, Double generalizationThreshold, Double phaseThreshold, Integer phaseGap) {
        /** Every value at its default (what an absent section means). */
        public static Analysis defaults() {
            return new Analysis(null, null, null, null);
        }

        public Analysis {
            if (memorizationThreshold == null) memorizationThreshold = 0.99;
            if (generalizationThreshold == null) generalizationThreshold = 0.99;
            if (phaseThreshold == null) phaseThreshold = 0.9;
            if (phaseGap == null) phaseGap = 1000;
        }

        void validate(Problems p) {
            p.require(
                    memorizationThreshold > 0 && memorizationThreshold <= 1,
                    "analysis.memorization_threshold",
                    "must be in (0, 1], got " + memorizationThreshold);
            p.require(
                    generalizationThreshold > 0 && generalizationThreshold <= 1,
                    "analysis.generalization_threshold",
                    "must be in (0, 1], got " + generalizationThreshold);
            p.require(
                    phaseThreshold > 0 && phaseThreshold <= 1,
                    "analysis.phase_threshold",
                    "must be in (0, 1], got " + phaseThreshold);
            p.require(phaseGap >= 0, "analysis.phase_gap", "must be >= 0 steps, got " + phaseGap);
        }
    }

    /**
     * Probes during training (norms, eNTK, Fourier measures, margins, kernel baseline) and the transition advisor.
     * {@code every} 0 = choose the cadence so the probes' FLOPs stay under {@code budget} of training's.
     * {@code forecast}: on modular tasks, the early verdict of the predictor fitted on the forecast bank (columns
     * p_generalize and eta_step; the advisor's forming and stalled states); {@code stop_when_stalled} ends a run at its
     * stalled verdict (status stopped_stalled: "predicted not to generalize", with the probability).
     */
    @JsonPropertyOrder({
        "enabled",
        "every",
        "budget",
        "norms",
        "ntk",
        "ntk_samples",
        "ntk_output",
        "fourier",
        "key_threshold",
        "kernel_baseline",
        "kernel_test_samples",
        "kernel_ridge",
        "kernel_max_train",
        "departure_threshold",
        "norm_drop",
        "gini_rise",
        "patience",
        "collapse_share",
        "forecast",
        "stop_when_stalled"
    })
    public record Probes(
            Boolean enabled,
            Integer every,
            Double budget,
            Boolean norms,
            Boolean ntk,
            Integer ntkSamples,
            NtkOutput ntkOutput,
            Boolean fourier,
            Double keyThreshold,
            Boolean kernelBaseline,
            Integer kernelTestSamples,
            Double kernelRidge,
            Integer kernelMaxTrain,
            Double departureThreshold,
            Double normDrop,
            Double giniRise,
            Integer patience,
            Double collapseShare,
            Boolean forecast,
            Boolean stopWhenStalled) {
        /** Every value at its default (what an absent section means). */
        public static Probes defaults() {
            return new Probes(
                    null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null);
        }

        public Probes {
            if (collapseShare == null) collapseShare = 0.5;
            if (forecast == null) forecast = true;
            if (stopWhenStalled == null) stopWhenStalled = false;
            if (enabled == null) enabled = true;
            if (every == null) every = 0;
            if (budget == null) budget = 0.1;
            if (norms == null) norms = true;
            if (ntk == null) ntk = true;
            if (ntkSamples == null) ntkSamples = 256;
            if (ntkOutput == null) ntkOutput = NtkOutput.FIRST;
            if (fourier == null) fourier = true;
            if (keyThreshold == null) keyThreshold = 0.25;
            if (kernelBaseline == null) kernelBaseline = false;
            if (kernelTestSamples == null) kernelTestSamples = 2000;
            if (kernelRidge == null) kernelRidge = 1e-8;
            if (kernelMaxTrain == null) kernelMaxTrain = 8000;
            if (departureThreshold == null) departureThreshold = 0.1;
            if (normDrop == null) normDrop = 0.1;
            if (giniRise == null) giniRise = 0.1;
            if (patience == null) patience = 2000;
        }

        void validate(Problems p, Training t) {
            p.require(every >= 0, "probes.every", "must be >= 0 (0 = from the budget), got " + every);
            if (every > 0)
                p.require(
                        every % t.evalEvery() == 0,
                        "probes.every",
                        "must be a multiple of training.eval_every (" + t.evalEvery() + "), got " + every);
            p.require(budget > 0 && budget <= 10, "probes.budget", "must be in (0, 10], got " + budget);
            p.require(
                    ntkSamples >= 2 && ntkSamples <= 4096,
                    "probes.ntk_samples",
                    "must be in [2, 4096], got " + ntkSamples);
            p.require(
                    keyThreshold > 0 && keyThreshold <= 1,
                    "probes.key_threshold",
                    "must be in (0, 1], got " + keyThreshold);
            p.require(kernelTestSamples >= 1, "probes.kernel_test_samples", "must be >= 1, got " + kernelTestSamples);
            p.require(
                    kernelRidge > 0 && kernelRidge < 1, "probes.kernel_ridge", "must be in (0, 1), got " + kernelRidge);
            p.require(
                    kernelMaxTrain >= 1 && kernelMaxTrain <= 20000,
                    "probes.kernel_max_train",
                    "must be in [1, 20000], got " + kernelMaxTrain);
            p.require(departureThreshold > 0, "probes.departure_threshold", "must be > 0, got " + departureThreshold);
            p.require(normDrop > 0 && normDrop < 1, "probes.norm_drop", "must be in (0, 1), got " + normDrop);
            p.require(giniRise > 0 && giniRise < 1, "probes.gini_rise", "must be in (0, 1), got " + giniRise);
            p.require(patience >= 1, "probes.patience", "must be >= 1, got " + patience);
            p.require(
                    collapseShare > 0 && collapseShare <= 1,
                    "probes.collapse_share",
                    "must be in (0, 1], got " + collapseShare);
        }
    }

    // ---- the closed sets that have no enum below config (bound by ConfigEnums, written in lower case) ----

    /**
     * optimizer.kind: AdamW (decoupled weight decay), Adam (torch.optim.Adam: the weight decay is an L2 term added to
     * the gradient inside the step), SGD with optional momentum, or normalized gradient descent.
     */
    public enum OptimizerKind {
        ADAMW,
        ADAM,
        SGD,
        NORMALIZED_GD
    }

    /**
     * training.last_batch: with minibatches, an epoch's remainder (N mod batch_size examples) is left out until the
     * next shuffle (drop), or trained on as a smaller batch, a step of its own, as PyTorch's DataLoader and torch.split
     * do (keep).
     */
    public enum LastBatch {
        DROP,
        KEEP
    }

    /** optimizer.grokfast.kind: off, or Grokfast's exponential or moving-average gradient filter. */
    public enum GrokfastFilter {
        NONE,
        EMA,
        MA
    }

    /** probes.ntk_output: the eNTK of the first logit, or of the true class's. */
    public enum NtkOutput {
        FIRST,
        TRUE_CLASS
    }

    /** model.format of a transformer on a modular task: [x, y, =] or [x, op, y, =]. */
    public enum TransformerFormat {
        EQUALS,
        OP_EQUALS
    }

    /** task.stars_rule for Yelp reviews: polarity (1-2 vs 4-5 stars, 3 dropped) or the five star classes. */
    public enum StarsRule {
        POLARITY,
        STARS
    }

    /** task.on_bad_row: stop at the first malformed row, or skip and count malformed rows. */
    public enum OnBadRow {
        ERROR,
        SKIP
    }

    /**
     * task.target of a table: the label column's classes, or its numbers as the value one output is fitted to
     * (regression, with MSE).
     */
    public enum TableTarget {
        CLASS,
        VALUE
    }

    /** task.color of an image task: one gray channel, or three (red, green, blue). */
    public enum ImageColor {
        GRAY,
        RGB
    }

    /** task.tokenizer: lower-cased words, or a BERT WordPiece vocabulary (task.vocab_file). */
    public enum Tokenizer {
        WORD,
        WORDPIECE
    }

    /** task.long_docs: documents longer than max_len are truncated, or dropped. */
    public enum LongDocs {
        TRUNCATE,
        DROP
    }
}
