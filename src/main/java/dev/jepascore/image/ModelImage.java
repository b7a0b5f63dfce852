package dev.jepascore.image;

/**
 * An image at the model's input size, upright, as 8-bit planes (one per channel, row-major), made
 * by the reference preprocessing; {@code path} names how it was decoded (for logs and benchmarks).
 */
public record ModelImage(byte[][] planes, int width, int height, String path) {
}
