package dev.jepascore.image;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits applied to every image before its pixels are decoded. */
@ConfigMapping(prefix = "jepa.image")
public interface ImageConfig {

    /** Largest encoded image accepted, in bytes; larger ones are refused with 413 {@code image_too_large}. */
    @WithDefault("20971520")
    long maxBytes();

    /**
     * Largest image accepted, in pixels (width x height), read from the header before any pixel is
     * allocated; larger ones (including "decompression bombs") are refused with 413 {@code too_many_pixels}.
     */
    @WithDefault("40000000")
    long maxPixels();

    /** Most images accepted in one batch request; more are refused with 413 {@code batch_too_large}. */
    @WithDefault("64")
    int maxBatch();
}
