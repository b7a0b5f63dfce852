package dev.jepascore.image;

import java.util.List;

/**
 * The image formats an upload may be in, the one list every message and description names: the formats the decode
 * paths read ({@link PngRowsPath}, {@link TurboJpegPath}, {@link LibwebpPath}) and ImageIO's readers on the class path
 * read whole (GIF and BMP from the JDK, WebP from TwelveMonkeys when libwebp is absent). TIFF is refused on purpose
 * (see {@link ImageIoReader}).
 */
public final class SupportedFormats {

    /** The formats as a list for prose, {@code "PNG, JPEG, GIF, BMP, WebP"}; a constant, so annotations can use it. */
    public static final String LIST = "PNG, JPEG, GIF, BMP, WebP";

    /** The formats one by one. */
    public static final List<String> NAMES = List.of(LIST.split(", "));

    /** The formats as a choice, {@code "PNG, JPEG, GIF, BMP or WebP"}. */
    public static final String CHOICE = String.join(", ", NAMES.subList(0, NAMES.size() - 1)) + " or "
            + NAMES.get(NAMES.size() - 1);

    private SupportedFormats() {
    }
}
