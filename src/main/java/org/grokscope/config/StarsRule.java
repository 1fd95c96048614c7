package org.grokscope.config;

/** task.stars_rule for Yelp reviews: polarity (1-2 vs 4-5 stars, 3 dropped) or the five star classes. */
public enum StarsRule {
    POLARITY,
    STARS
}
