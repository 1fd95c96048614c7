package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A complete, resolved description of one training run: the task ({@link TaskSpec}), the model ({@link ModelSpec}),
 * {@link InitSpec}, {@link OptimizerSpec}, {@link Regularization}, {@link Training}, {@link Analysis} and
 * {@link Probes}, each a record in a file of its own, and the closed sets as enums (bound by {@link ConfigEnums}).
 * Loaded from YAML or JSON (snake_case keys); every missing value takes the default its record's constructor writes,
 * and the resolved record is saved as the run's config.json, so rerunning that file reproduces the run bit for bit.
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
        if (task == null) task = Modular.defaults();
        if (model == null && task instanceof Text) model = BagSpec.defaults();
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
        if (task instanceof Modular && model.forText())
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
        if (init.attention() == org.grokscope.train.Init.Attention.MHA && !(model instanceof TransformerSpec))
            p.add(
                    "init.attention",
                    "mha initializes attention as PyTorch's nn.MultiheadAttention does: only model kind transformer"
                            + " has it");
        optimizer.validate(p);
        regularization.validate(p);
        training.validate(p);
        analysis.validate(p);
        probes.validate(p, training);
    }

    /** The modular task, for code that only makes sense on it (Fourier probes, the kernel command). */
    public Modular modular() {
        if (task instanceof Modular t) return t;
        throw new IllegalStateException("not a modular-arithmetic task");
    }

    // embedding width and hidden width of the MLP-headed models (mlp, bag)
    static void checkWidths(Problems p, int embedDim, int hidden) {
        p.require(embedDim >= 1 && embedDim <= 8192, "model.embed_dim", "must be in [1, 8192], got " + embedDim);
        p.require(hidden >= 1 && hidden <= 65536, "model.hidden", "must be in [1, 65536], got " + hidden);
    }
}
