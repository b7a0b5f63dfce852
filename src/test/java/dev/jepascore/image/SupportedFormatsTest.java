package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.junit.jupiter.api.Test;

import picocli.CommandLine.Option;

/**
 * The one list of upload formats ({@link SupportedFormats}) is what the error messages, the OpenAPI document and the
 * command line say, and every format in it is decoded.
 */
class SupportedFormatsTest {

    /** A list of formats in prose: a parenthesis that names PNG, or "send ... or ...". */
    private static final Pattern LISTED = Pattern.compile("\\((PNG[^)]*)\\)|send ([A-Za-z, ]+ or [A-Za-z]+)");

    private static final InputSpec SPEC = InputSpec.of(1, 28, 28, 1 / 255.0, List.of(0.0), List.of(1.0));

    /** Every format list in {@code text}, each as its names. */
    private static List<List<String>> formatLists(String text) {
        List<List<String>> lists = new ArrayList<>();
        Matcher m = LISTED.matcher(text);
        while (m.find()) {
            String list = m.group(1) != null ? m.group(1) : m.group(2);
            lists.add(Arrays.asList(list.split(", | or ")));
        }
        return lists;
    }

    private static void namesExactlyTheSupportedFormats(String where, String text) {
        List<List<String>> lists = formatLists(text);
        assertFalse(lists.isEmpty(), where + " names no formats: " + text);
        for (List<String> list : lists) {
            assertEquals(SupportedFormats.NAMES, list, where + ": " + text);
        }
    }

    @Test
    void error_messages_name_exactly_the_supported_formats() {
        namesExactlyTheSupportedFormats("not_an_image", BadImageException.notAnImage("no reader").getMessage());
        namesExactlyTheSupportedFormats("unsupported_format", BadImageException.unsupported("TIFF").getMessage());
    }

    @Test
    void openapi_and_command_line_describe_exactly_the_supported_formats() throws Exception {
        Operation score = Arrays.stream(Class.forName("dev.jepascore.function.ScoreResource").getMethods())
                .filter(m -> m.getName().equals("score")).findFirst().orElseThrow().getAnnotation(Operation.class);
        namesExactlyTheSupportedFormats("POST /v1/score", score.description());
        Option images = Class.forName("dev.jepascore.packaging.PackageOptions").getDeclaredField("images")
                .getAnnotation(Option.class);
        namesExactlyTheSupportedFormats("package-model --images", String.join(" ", images.description()));
        String openapi;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/openapi.yaml")) {
            assertNotNull(in, "META-INF/openapi.yaml");
            openapi = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        namesExactlyTheSupportedFormats("openapi.yaml", openapi);
    }

    @Test
    void every_decode_path_reads_a_supported_format() {
        List<DecodePath> paths = ImageDecoder.paths(TurboJpegPath.choose("imageio", Path.of("unused.jar"),
                Path.of("unused.so")), false);
        for (DecodePath path : paths) {
            assertTrue(SupportedFormats.NAMES.contains(path.format()), path.name() + " reads " + path.format());
        }
    }

    @Test
    void every_supported_format_is_decoded() throws IOException {
        byte[] webp;
        try (InputStream in = getClass().getResourceAsStream("/photos/coast-1024.webp")) {
            webp = in.readAllBytes();
        }
        Map<String, byte[]> samples = Map.of("PNG", TestImages.picture("png", 40, 30), "JPEG",
                TestImages.picture("jpg", 40, 30), "GIF", TestImages.picture("gif", 40, 30), "BMP",
                TestImages.picture("bmp", 40, 30), "WebP", webp);
        ImageDecoder decoder = new ImageDecoder(ImageDecoderTest.limits(64L << 20, 100_000_000));
        for (String format : SupportedFormats.NAMES) {
            byte[] sample = samples.get(format);
            assertNotNull(sample, "no sample of " + format + ": add one here with the format");
            ModelImage image = decoder.decode(sample, SPEC);
            assertEquals(28 * 28, image.planes()[0].length, format);
        }
    }
}
