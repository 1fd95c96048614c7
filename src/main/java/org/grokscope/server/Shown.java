package org.grokscope.server;

import java.util.Locale;
import org.grokscope.sweep.SweepStore;
import org.grokscope.train.Trainer;

/**
 * The status the dashboard shows for a run or a sweep, as its pages and events spell it ({@link #key()}): a run's final
 * status from summary.json, running or stopped from progress.json (stopped: it says running but its writer is gone), a
 * sweep store's pending and failed, and for a sweep as a whole empty, or unknown and unreadable where the files say
 * nothing usable.
 */
enum Shown {
    PENDING,
    RUNNING,
    STOPPED,
    COMPLETED,
    STOPPED_EARLY,
    STOPPED_STALLED,
    INTERRUPTED,
    DIVERGED,
    FAILED,
    EMPTY,
    UNKNOWN,
    UNREADABLE;

    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status a key names; UNKNOWN for text that names none. */
    static Shown of(String key) {
        for (Shown s : values()) if (s.key().equals(key)) return s;
        return UNKNOWN;
    }

    static Shown of(Trainer.Status s) {
        return switch (s) {
            case COMPLETED -> COMPLETED;
            case STOPPED_EARLY -> STOPPED_EARLY;
            case STOPPED_STALLED -> STOPPED_STALLED;
            case INTERRUPTED -> INTERRUPTED;
            case DIVERGED -> DIVERGED;
        };
    }

    static Shown of(SweepStore.Status s) {
        return switch (s) {
            case PENDING -> PENDING;
            case RUNNING -> RUNNING;
            case COMPLETED -> COMPLETED;
            case FAILED -> FAILED;
            case INTERRUPTED -> INTERRUPTED;
        };
    }
}
