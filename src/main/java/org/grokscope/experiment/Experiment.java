package org.grokscope.experiment;

import org.grokscope.data.Dataset;
import org.grokscope.data.InputFormat;
import org.grokscope.data.ModOp;
import org.grokscope.data.ModularTask;
import org.grokscope.engine.Act;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.EmbedMlp;
import org.grokscope.nn.Model;
import org.grokscope.nn.QuadraticNet;
import org.grokscope.nn.Transformer;
import org.grokscope.probe.Advisor;
import org.grokscope.probe.ModularContext;
import org.grokscope.probe.ProbeSettings;
import org.grokscope.probe.ProbeSuite;
import org.grokscope.train.AdamW;
import org.grokscope.train.Init;
import org.grokscope.train.Optimizer;
import org.grokscope.train.Regularizer;
import org.grokscope.train.Sgd;
import org.grokscope.train.Trainer;

/** Turns a validated {@link RunConfig} into data, an initialized model and a trainer. */
public final class Experiment implements AutoCloseable {
    public final RunConfig cfg;
    public final Parallel pool;
    public final Model model;
    public final Dataset train, test;
    /** The task's whole table and the split this run trains and tests on. */
    public final ModularTask table;
    public final ModularTask.Split split;
    public final long splitSeed;
    public final Trainer trainer;
    /** The probes and advisor, or null when {@code probes.enabled} is false. */
    public final ProbeSuite probes;

    public Experiment(RunConfig cfg, int threads) {
        this.cfg = cfg;
        this.pool = new Parallel(threads);
        RunConfig.Task t = cfg.task();
        splitSeed = t.splitSeed() != null ? t.splitSeed() : cfg.seed();
        table = new ModularTask(t.p(), t.operation(), splitSeed);
        split = table.split(t.trainCount(), t.trainFraction(), t.testFraction(), splitSeed);
        InputFormat format = format(cfg.model());
        train = table.dataset(split.train(), format);
        test = table.dataset(split.test(), format);
        model = buildModel(cfg.model(), pool, format.vocab(t.p()), format.length, t.p());
        int dModel = cfg.model() instanceof RunConfig.Mlp m ? m.embedDim()
                : cfg.model() instanceof RunConfig.TransformerSpec s ? s.dModel() : ((RunConfig.Quadratic) cfg.model()).width();
        Init.apply(model.params(), Init.Scheme.valueOf(cfg.init().scheme().toUpperCase()), cfg.init().std(), cfg.init().alpha(),
                cfg.seed(), dModel, format.vocab(t.p()));
        if (cfg.training().fixedNorm() != null) Trainer.projectToSphere(model.params().w, cfg.training().fixedNorm());
        Kernels k = new Kernels(pool);
        RunConfig.OptimizerSpec o = cfg.optimizer();
        int size = model.params().size();
        Optimizer opt = switch (o.kind()) {
            case "adamw" -> new AdamW(pool, size, o.beta1(), o.beta2(), o.eps(), o.weightDecay());
            case "sgd" -> new Sgd(k, size, o.momentum(), o.weightDecay(), false);
            case "normalized_gd" -> new Sgd(k, size, o.momentum(), o.weightDecay(), true);
            default -> throw new IllegalArgumentException("optimizer.kind " + o.kind());
        };
        RunConfig.Training tr = cfg.training();
        Trainer.Settings s = new Trainer.Settings(tr.steps(), tr.batchSize(), tr.evalEvery(), tr.evalBatch(), o.lr(), o.warmupSteps(),
                tr.loss().equals("mse") ? Trainer.LossKind.MSE : Trainer.LossKind.CROSS_ENTROPY, tr.stopAtTestAcc(), tr.stopPatience(), cfg.seed(), tr.fixedNorm());
        trainer = new Trainer(model, opt, new Regularizer(k, cfg.regularization().l2(), cfg.regularization().linf()), train, test, s, k);
        probes = cfg.probes().enabled() ? probeSuite(cfg, format) : null;
    }

    private ProbeSuite probeSuite(RunConfig cfg, InputFormat format) {
        RunConfig.Probes p = cfg.probes();
        int pp = cfg.task().p();
        boolean fullTable = table.size() == pp * pp; // row x·p + y holds the pair (x, y)
        int[] all = new int[table.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        ModularContext mod = new ModularContext(pp, cfg.task().operation() == ModOp.ADD, fullTable ? table.dataset(all, format) : null,
                split.train(), split.test(), table.size());
        Advisor.Settings as = new Advisor.Settings(cfg.analysis().memorizationThreshold(), cfg.analysis().generalizationThreshold(),
                p.departureThreshold(), p.normDrop(), p.giniRise(), p.patience());
        ProbeSettings ps = new ProbeSettings(p.every(), p.budget(), p.norms(), p.ntk(), p.ntkSamples(), p.ntkOutput().equals("true_class"),
                p.fourier(), p.keyThreshold(), p.kernelBaseline(), p.kernelTestSamples(), p.kernelRidge(), p.kernelMaxTrain(), as);
        Advisor.Context ctx = new Advisor.Context(cfg.optimizer().weightDecay() + cfg.regularization().l2(), cfg.init().alpha(), train.size(), table.size());
        return new ProbeSuite(ps, model, pool, mod, ctx);
    }

    public static InputFormat formatOf(RunConfig cfg) {
        return format(cfg.model());
    }

    static InputFormat format(RunConfig.ModelSpec m) {
        return m instanceof RunConfig.TransformerSpec t && t.format().equals("op_equals") ? InputFormat.OP_EQUALS
                : m instanceof RunConfig.TransformerSpec ? InputFormat.EQUALS : InputFormat.PAIR;
    }

    public static Model buildModel(RunConfig.ModelSpec spec, Parallel pool, int vocab, int T, int classes) {
        if (spec instanceof RunConfig.Mlp m)
            return new EmbedMlp(pool, vocab, T, m.embedDim(), m.hidden(), m.depth(), classes, Act.parse(m.activation()));
        if (spec instanceof RunConfig.Quadratic q) return new QuadraticNet(pool, vocab, q.width(), classes);
        RunConfig.TransformerSpec s = (RunConfig.TransformerSpec) spec;
        return new Transformer(pool, new Transformer.Spec(vocab, T, s.dModel(), s.heads(), s.dMlp(), s.layers(),
                Transformer.Norm.valueOf(s.norm().toUpperCase()), Act.parse(s.activation()), classes, s.attnBias(), s.mlpBias()));
    }

    public static int resolveThreads(RunConfig cfg, Integer override) {
        int t = override != null ? override : cfg.training().threads();
        return t <= 0 ? Parallel.availableCores() : t;
    }

    @Override
    public void close() {
        pool.close();
    }
}
