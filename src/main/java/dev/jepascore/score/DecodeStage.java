package dev.jepascore.score;

import java.util.List;
import java.util.stream.IntStream;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

import dev.jepascore.image.BadImageException;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.image.InputSpec;
import dev.jepascore.image.ModelImage;
import dev.jepascore.image.Preprocessor;

/**
 * The first stage of a {@link ScorePipeline}: encoded images to the model's input tensor, in parallel, each image
 * timed in its record; traced as span {@code decode}. An image that cannot be decoded (not an image, corrupt, too
 * large, unsupported) is that image's failure, or fails the request when images may not fail on their own (the first
 * such in request order is the one reported).
 */
final class DecodeStage {

    private final ImageDecoder decoder;
    private final InputSpec spec;
    private final ScoreMetrics metrics;

    DecodeStage(ImageDecoder decoder, InputSpec spec, ScoreMetrics metrics) {
        this.decoder = decoder;
        this.spec = spec;
        this.metrics = metrics;
    }

    /**
     * Decodes every image into its record; returns the tensor of the images that decoded, packed in request order
     * ({@code [decoded, C x H x W]}).
     *
     * @throws BadImageException the first bad image's, unless {@code eachOnItsOwn}
     */
    float[] decode(List<byte[]> images, List<ImageRecord> records, boolean eachOnItsOwn) {
        int size = spec.size();
        int n = images.size();
        float[] decoded = new float[n * size];
        Span span = metrics.span("decode", n);
        try {
            IntStream.range(0, n).parallel().forEach(i -> {
                ImageRecord record = records.get(i);
                long t = System.nanoTime();
                try {
                    Preprocessor.toTensor(decode(images.get(i), i, n), spec, decoded, i * size);
                } catch (BadImageException e) {
                    record.failure = e;
                }
                record.decodeMs = (System.nanoTime() - t) / 1e6;
            });
            if (!eachOnItsOwn) {
                for (ImageRecord record : records) {
                    if (record.failed()) {
                        span.setStatus(StatusCode.ERROR, record.failure.code().code());
                        throw record.failure;
                    }
                }
            }
        } finally {
            span.end();
        }
        int[] good = records.stream().filter(r -> !r.failed()).mapToInt(r -> r.index).toArray();
        if (good.length == n) {
            return decoded;
        }
        float[] packed = new float[good.length * size];
        for (int j = 0; j < good.length; j++) {
            System.arraycopy(decoded, good[j] * size, packed, j * size, size);
        }
        return packed;
    }

    private ModelImage decode(byte[] bytes, int index, int count) {
        try {
            return decoder.decode(bytes, spec);
        } catch (BadImageException e) {
            if (count == 1) {
                throw e;
            }
            throw new BadImageException(e.code(), "images[" + index + "]: " + e.getMessage(), e);
        }
    }
}
