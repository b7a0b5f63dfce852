package dev.jepascore.admission;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.jepascore.image.DecodeCost;

/**
 * How long a request is expected to hold a scoring slot, learnt from the requests that finished: a time per image
 * for each kind of work (a model and its mode: the encoder passes and the scoring) plus, for each decode path, a time
 * per stored pixel (decoding grows with the pixels the path reads). A request's expectation is
 * {@code images x perImage(kind) + sum of pixels x perPixel(path)}, read from the images' headers before any pixel
 * is decoded, so that admission can tell how long the work ahead of a newcomer will take even before work of that
 * size has ever finished: until then a path's per-pixel time is the prior its estimates carry (each decode path's
 * own, {@code image.DecodePath#priorNanosPerPixel}).
 * <p>
 * Each finished request corrects the term that dominated its expectation: the per-pixel time of its path when its
 * pixels did (all its images took one path, each of at least {@link #MIN_PIXELS_PER_IMAGE_TO_LEARN}), else the
 * per-image time of its kind. Estimates are exponential
 * moving averages whose first samples count fully ({@code 1 / samples}, down to {@link #WEIGHT}), so a prior is
 * replaced by the first measurement and the estimate then follows changes of load within about ten requests. The
 * times include whatever else the machine was doing: under an overload they grow, which is what a newcomer will wait.
 */
final class ServiceTimes {

    /** Weight of the newest request once a term has ten samples (about the last ten requests count). */
    static final double WEIGHT = 0.1;
    /**
     * Fewest stored pixels per image for a request to teach its path's per-pixel time: below that the encoder and
     * the request's own overhead dominate (a 28x28 image is 784 pixels; a megapixel takes milliseconds to decode).
     */
    static final long MIN_PIXELS_PER_IMAGE_TO_LEARN = 1_000_000;
    private final Map<String, Term> perImage = new ConcurrentHashMap<>();
    private final Map<String, Term> perPixel = new ConcurrentHashMap<>();

    /** Expected slot time of {@code images} scored as {@code kind}; the per-image part is 0 for a kind never seen. */
    long expected(String kind, List<DecodeCost.Estimate> images) {
        return Math.round(imagePart(kind, images.size()) + pixelPart(images));
    }

    /** A request of {@code images} scored as {@code kind} held its slot {@code heldNanos}. */
    void finished(String kind, List<DecodeCost.Estimate> images, long heldNanos) {
        if (images.isEmpty()) {
            return;
        }
        double byImage = imagePart(kind, images.size());
        double byPixel = pixelPart(images);
        String path = onePath(images);
        long pixels = images.stream().mapToLong(DecodeCost.Estimate::pixels).sum();
        if (byPixel > byImage && path != null && pixels >= MIN_PIXELS_PER_IMAGE_TO_LEARN * images.size()) {
            term(perPixel, path).add(Math.max(0, heldNanos - byImage) / pixels);
        } else {
            term(perImage, kind).add(Math.max(0, heldNanos - byPixel) / images.size());
        }
    }

    /** Current per-image estimate of {@code kind}, nanoseconds (0 before any sample). */
    double perImage(String kind) {
        Term t = perImage.get(kind);
        return t == null ? 0 : t.value();
    }

    /**
     * Current per-pixel estimate of {@code image}'s path, nanoseconds: the path's prior
     * ({@link DecodeCost.Estimate#priorNanosPerPixel()}, set by the path) until a request that took it has finished.
     */
    double perPixel(DecodeCost.Estimate image) {
        Term t = perPixel.get(image.path());
        return t == null ? image.priorNanosPerPixel() : t.value();
    }

    private double imagePart(String kind, int images) {
        return images * perImage(kind);
    }

    private double pixelPart(List<DecodeCost.Estimate> images) {
        double sum = 0;
        for (DecodeCost.Estimate image : images) {
            if (image.pixels() > 0) {
                sum += image.pixels() * perPixel(image);
            }
        }
        return sum;
    }

    private static String onePath(List<DecodeCost.Estimate> images) {
        String path = images.get(0).path();
        for (DecodeCost.Estimate image : images) {
            if (!image.path().equals(path)) {
                return null;
            }
        }
        return path;
    }

    private static Term term(Map<String, Term> terms, String key) {
        return terms.computeIfAbsent(key, k -> new Term());
    }

    /** One moving average; its first samples weigh {@code 1 / n}. */
    private static final class Term {
        private double value;
        private long samples;

        synchronized void add(double sample) {
            samples++;
            value += Math.max(WEIGHT, 1.0 / samples) * (sample - value);
        }

        synchronized double value() {
            return value;
        }
    }
}
