package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.function.Fixtures.Fixture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Equation (4) switched on in a manifest ({@code transforms: [identity, h-flip]}): the score is
 * {@code -log mean exp(-score_T)} over the image and its mirror image, so an image and its mirror get the same score,
 * and it lies between the smaller plain score and that plus ln 2.
 */
@QuarkusTest
@TestProfile(TransformAveragedScoreTest.WithTransforms.class)
class TransformAveragedScoreTest {

    /** The bundled package with transforms on (calibration marked accordingly; its numbers are not re-derived). */
    public static class WithTransforms implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path root = Path.of("target", "transform-models");
            Path pkg = root.resolve("fmnist-lejepa");
            Path bundled = Path.of("models", "fmnist-lejepa");
            try {
                Files.createDirectories(pkg);
                for (String file : List.of("encoder.onnx", "scorer.onnx", "reference.f32")) {
                    Files.copy(bundled.resolve(file), pkg.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
                ObjectMapper json = new ObjectMapper();
                ObjectNode manifest = (ObjectNode) json.readTree(bundled.resolve("model.json").toFile());
                ArrayNode transforms = json.createArrayNode().add("identity").add("h-flip");
                manifest.set("transforms", transforms);
                ((ObjectNode) manifest.get("calibration")).set("transforms", transforms.deepCopy());
                json.writeValue(pkg.resolve("model.json").toFile(), manifest);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the package with transforms", e);
            }
            return Map.of("jepa.model.dir", root.toString());
        }
    }

    @Test
    void an_image_and_its_mirror_get_the_same_averaged_score() throws IOException {
        for (Fixture f : Fixtures.all().subList(0, 3)) {
            double score = score(f.png());
            double mirrored = score(mirror(f.png()));
            assertEquals(score, mirrored, 1e-9, f.name());
            // the plain score of the image is f.jepaScore(); the mirror's plain score m is unknown, but
            // -log((e^-a + e^-m) / 2) <= a + ln 2 and the average differs from a unless m == a
            assertTrue(score <= f.jepaScore() + Math.log(2) + 1e-3, f.name() + ": " + score);
            assertTrue(Math.abs(score - f.jepaScore()) > 1e-3, f.name() + " was not averaged: " + score);
        }
    }

    private static double score(byte[] png) {
        return given().contentType("image/png").body(png).when().post("/v1/score").then().statusCode(200)
                .extract().jsonPath().getDouble("jepaScore");
    }

    private static byte[] mirror(byte[] png) throws IOException {
        BufferedImage in = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < in.getHeight(); y++) {
            for (int x = 0; x < in.getWidth(); x++) {
                out.getRaster().setSample(x, y, 0, in.getRaster().getSample(in.getWidth() - 1 - x, y, 0));
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, "png", bytes);
        return bytes.toByteArray();
    }
}
