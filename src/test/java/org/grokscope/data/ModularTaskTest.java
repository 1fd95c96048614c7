package org.grokscope.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModularTaskTest {
    @Test
    void operationsFollowTheirFormulas() {
        int p = 97;
        assertThat(ModOp.ADD.apply(90, 10, p)).isEqualTo(3);
        assertThat(ModOp.SUB.apply(3, 10, p)).isEqualTo(90);
        assertThat(ModOp.MUL.apply(50, 2, p)).isEqualTo(3);
        for (int y = 1; y < p; y++)
            assertThat(ModOp.MUL.apply(ModOp.DIV.apply(5, y, p), y, p)).isEqualTo(5);
        assertThat(ModOp.DIV_ODD.apply(10, 4, p)).isEqualTo(6); // y even: x - y
        assertThat(ModOp.MUL.apply(ModOp.DIV_ODD.apply(10, 3, p), 3, p)).isEqualTo(10); // y odd: x / y
        assertThat(ModOp.SQ_SUM.apply(10, 20, p)).isEqualTo((100 + 400) % p);
        assertThat(ModOp.QUAD.apply(10, 20, p)).isEqualTo((100 + 200 + 400) % p);
        assertThat(ModOp.QUAD_X.apply(10, 20, p)).isEqualTo((100 + 200 + 400 + 10) % p);
        assertThat(ModOp.CUBE.apply(10, 20, p)).isEqualTo((1000 + 200) % p);
        assertThat(ModOp.CUBE2.apply(10, 20, p)).isEqualTo((1000 + 4000 + 20) % p);
        assertThat(ModOp.CUBE.apply(96, 96, p)).isEqualTo((int) ((96L * 96 * 96 + 96 * 96) % p));
        assertThat(ModOp.parse("x/y")).isEqualTo(ModOp.DIV);
        assertThat(ModOp.parse("x^2+xy+y^2")).isEqualTo(ModOp.QUAD);
        assertThatThrownBy(() -> ModOp.parse("pow")).hasMessageContaining("unknown operation");
    }

    @Test
    void divisionExcludesZeroDivisor() {
        ModularTask t = new ModularTask(13, ModOp.DIV, 0);
        assertThat(t.size()).isEqualTo(13 * 12);
        assertThat(new ModularTask(13, ModOp.ADD, 0).size()).isEqualTo(169);
    }

    @Test
    void smallerTrainingSetsAreSubsetsOfLargerOnesForOneSeed() {
        ModularTask t = new ModularTask(31, ModOp.ADD, 0);
        ModularTask.Split small = t.split(100, null, 0.25, 9), large = t.split(500, null, 0.25, 9);
        assertThat(asSet(large.train())).containsAll(asSet(small.train()));
        assertThat(small.test()).containsExactly(large.test()); // fixed test pool
        assertThat(asSet(small.test())).doesNotContainAnyElementsOf(asSet(large.train()));
        ModularTask.Split f = t.split(null, 0.3, null, 9), g = t.split(null, 0.5, null, 9);
        assertThat(asSet(g.train())).containsAll(asSet(f.train()));
        assertThat(f.train().length + f.test().length).isEqualTo(t.size());
        assertThat(t.split(100, null, 0.25, 10).train()).isNotEqualTo(small.train()); // the seed matters
        assertThatThrownBy(() -> t.split(900, null, 0.25, 1)).hasMessageContaining("cannot take");
    }

    @Test
    void randomLabelsAreSeededAndUnrelatedToTheSum() {
        ModularTask a = new ModularTask(23, ModOp.RANDOM, 1),
                b = new ModularTask(23, ModOp.RANDOM, 1),
                c = new ModularTask(23, ModOp.RANDOM, 2);
        int same = 0, sum = 0;
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.label(i)).isEqualTo(b.label(i));
            if (a.label(i) == c.label(i)) same++;
            if (a.label(i) == ModOp.ADD.apply(i / 23, i % 23, 23)) sum++;
        }
        assertThat(same).isLessThan(a.size() / 5);
        assertThat(sum).isLessThan(a.size() / 5);
    }

    @Test
    void formatsEncodeTheEquation() {
        ModularTask t = new ModularTask(7, ModOp.ADD, 0);
        Dataset d = t.dataset(new int[] {7 * 3 + 5}, InputFormat.OP_EQUALS);
        assertThat(d.tokens()).containsExactly(3, 7, 5, 8);
        assertThat(d.labels()).containsExactly(1);
        assertThat(d.vocab()).isEqualTo(9);
        assertThat(t.dataset(new int[] {7 * 3 + 5}, InputFormat.EQUALS).tokens())
                .containsExactly(3, 5, 7);
    }

    static Set<Integer> asSet(int[] a) {
        return new HashSet<>(Arrays.stream(a).boxed().toList());
    }
}
