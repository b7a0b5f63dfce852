package dev.jepascore.image;

/**
 * One image format's way straight to the model's size, and what the rest of decoding has to know about that format.
 * {@link ImageDecoder} holds a list of paths and only orchestrates: the first path that {@link #accepts} the bytes
 * decodes them; whatever it cannot decode goes to ImageIO, whose verdict is final; the path still says how ImageIO's
 * decode of its format is oriented ({@link #orientation}) and charged ({@link #imageIoRasters}).
 *
 * <p>Adding a format: one class extending {@link AbstractDecodePath} (its magic bytes, orientation, header estimate
 * with its {@link DecodeCost} formula and time prior, decode) and one entry in {@link ImageDecoder#paths}; its name in
 * {@link SupportedFormats#LIST} when ImageIO did not read it before (docs/architecture.md, "Adding an image format").
 */
public interface DecodePath {

    /**
     * The path's name in estimates, logs, {@link ModelImage#path()} and admission's per-path times, e.g.
     * {@link TurboJpegPath#NAME}.
     */
    String name();

    /** The format this path reads as messages name it, one of {@link SupportedFormats#NAMES}, e.g. {@code "JPEG"}. */
    String format();

    /** What decodes this format here and why, logged at start-up. */
    String description();

    /** Whether the bytes are of this path's format, from their magic bytes alone, whether or not this path takes them. */
    boolean isFormat(byte[] bytes);

    /**
     * Whether this path decodes the bytes itself (else ImageIO does, with no fallback message): of its format, its
     * native library loaded, and no feature visible in the first bytes that it leaves to ImageIO.
     */
    boolean accepts(byte[] bytes);

    /**
     * The orientation the format's own metadata declares (EXIF, PNG's eXIf), {@link Orientation#NORMAL} when none; may
     * throw on metadata it cannot read (the caller then takes {@code NORMAL} and lets ImageIO judge the image).
     */
    Orientation orientation(byte[] bytes);

    /** Rasters ImageIO holds at its peak decoding this format at full resolution: 1 unless its reader holds more. */
    default int imageIoRasters() {
        return 1;
    }

    /**
     * Nanoseconds per stored pixel admission assumes for this path before a request that took it has finished
     * ({@code admission.ServiceTimes}).
     */
    double priorNanosPerPixel();

    /**
     * The cost of decoding {@code bytes} on this path, from the header; {@link DecodeCost#REFUSED} when decode refuses
     * them for their size; {@code null} when the header shows this path cannot take them (ImageIO does).
     */
    DecodeCost.Estimate estimate(byte[] bytes, InputSpec spec, long maxPixels);

    /**
     * Decodes, or throws: {@link BadImageException} of kind {@code TOO_LARGE} is final, any other failure hands the
     * bytes to ImageIO.
     */
    ModelImage decode(byte[] bytes, InputSpec spec, long maxPixels);

    /** An estimate on this path: {@code bytes} of peak heap for {@code pixels} stored pixels read. */
    default DecodeCost.Estimate cost(long bytes, long pixels) {
        return new DecodeCost.Estimate(bytes, pixels, name(), priorNanosPerPixel());
    }
}
