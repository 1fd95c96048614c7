package org.grokscope.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JitWarmupTest {
    private final AtomicLong compileMs = new AtomicLong(), nanos = new AtomicLong(1_000);

    private JitWarmup at(long uptimeMs, long compiledMs) {
        compileMs.set(compiledMs);
        return new JitWarmup(compileMs::get, nanos::get, uptimeMs);
    }

    private void advance(long wallMs, long compiledMs) {
        nanos.addAndGet(wallMs * 1_000_000L);
        compileMs.addAndGet(compiledMs);
    }

    @Test
    void holdsWhileTheCompilerIsBusyAndEndsForGoodAtTheFirstQuietWindow() {
        JitWarmup w = at(500, 400); // 80 % of the JVM's life so far spent compiling
        assertThat(w.check()).isTrue();
        advance(50, 40);
        assertThat(w.check()).as("inside the first window").isTrue();
        advance(60, 50); // window of 110 ms with 90 ms compiling
        assertThat(w.check()).isTrue();
        advance(120, 20); // 17 %: quiet
        assertThat(w.check()).isFalse();
        advance(120, 120); // busy again later: warm-up does not come back
        assertThat(w.check()).isFalse();
    }

    @Test
    void aWarmJvmDoesNotHoldAtAll() {
        assertThat(at(10_000, 1_000).check()).isFalse();
    }

    @Test
    void endsAfterTheLimitWhateverTheCompilerDoes() {
        JitWarmup w = at(500, 400);
        assertThat(w.check()).isTrue();
        for (int i = 0; i < 49; i++) {
            advance(100, 100);
            assertThat(w.check()).isTrue();
        }
        advance(100, 100);
        assertThat(w.check()).as("5 s after the first check").isFalse();
    }
}
