package dev.jepascore.image;

/** What every {@link DecodePath} states about itself, given once at construction. */
abstract class AbstractDecodePath implements DecodePath {

    private final String name;
    private final String format;
    private final String description;
    private final double priorNanosPerPixel;

    /**
     * @param name               the path's name ({@link #name()})
     * @param format             the format as messages name it, one of {@link SupportedFormats#NAMES}
     * @param description        what decodes the format here and why
     * @param priorNanosPerPixel admission's assumed time per stored pixel before a measurement, with its source at the
     *                           constant
     */
    AbstractDecodePath(String name, String format, String description, double priorNanosPerPixel) {
        this.name = name;
        this.format = format;
        this.description = description;
        this.priorNanosPerPixel = priorNanosPerPixel;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String format() {
        return format;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final double priorNanosPerPixel() {
        return priorNanosPerPixel;
    }
}
