package org.grokscope.data.text;

import java.util.Locale;

/** How Yelp's review dump turns stars into classes: polarity (1-2 vs 4-5 stars, 3 dropped) or the five star classes. */
public enum StarsRule {
    POLARITY,
    STARS;

    /** As configs and the data cache's key spell it: {@code polarity}, {@code stars}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
