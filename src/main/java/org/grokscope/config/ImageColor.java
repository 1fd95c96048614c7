package org.grokscope.config;

/** task.color of an image task: one gray channel, or three (red, green, blue). */
public enum ImageColor {
    GRAY,
    RGB
}
