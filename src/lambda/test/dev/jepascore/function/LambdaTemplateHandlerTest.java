package dev.jepascore.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import jakarta.inject.Named;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The handlers the SAM templates name exist in the Lambda build: the method Lambda calls, and every
 * {@code QUARKUS_LAMBDA_HANDLER} value is the {@code @Named} name of one of this build's request handlers, an
 * environment variable the Lambda extension documents; without one, the build's own default
 * ({@code src/lambda/resources}) names the S3 event handler.
 */
@Tag("lambda")
class LambdaTemplateHandlerTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String HANDLER_ENV = "QUARKUS_LAMBDA_HANDLER";
    /** The request handlers of this build, by the name quarkus.lambda.handler selects them with. */
    private static final Map<String, Class<?>> HANDLERS = new TreeMap<>();

    static {
        for (Class<?> type : List.of(S3EventHandler.class, S3BatchHandler.class)) {
            HANDLERS.put(type.getAnnotation(Named.class).value(), type);
        }
    }

    private static JsonNode template(String name) throws IOException {
        return YAML.readTree(Path.of("deploy/lambda", name).toFile());
    }

    @Test
    void sam_template_names_a_handler_method_that_exists_in_this_build() throws IOException, ReflectiveOperationException {
        JsonNode template = template("template.yaml");
        for (String function : List.of("JepaScoreFunction", "JepaScoreBatchFunction")) {
            String handler = template.path("Resources").path(function).path("Properties").path("Handler").asText();
            String[] parts = handler.split("::");
            assertEquals(2, parts.length, handler);
            Class<?> type = Class.forName(parts[0]);
            assertTrue(java.util.Arrays.stream(type.getMethods()).anyMatch(m -> m.getName().equals(parts[1])),
                    handler + ": no method " + parts[1]);
        }
        HANDLERS.values().forEach(h -> assertTrue(RequestHandler.class.isAssignableFrom(h), h.getName()));
    }

    @Test
    void every_handler_selected_by_the_templates_is_a_named_handler_of_this_build() throws IOException {
        List<String> selected = new ArrayList<>();
        for (String name : List.of("template.yaml", "template-native.yaml")) {
            template(name).path("Resources").forEach(resource -> {
                JsonNode value = resource.path("Properties").path("Environment").path("Variables").path(HANDLER_ENV);
                if (!value.isMissingNode()) {
                    assertTrue(HANDLERS.containsKey(value.asText()),
                            name + " selects handler '" + value.asText() + "'; this build has " + HANDLERS.keySet());
                    selected.add(value.asText());
                }
            });
        }
        assertEquals(List.of(S3BatchHandler.NAME, S3BatchHandler.NAME), selected,
                "each template has a batch function selecting the batch handler");
        assertTrue(extensionDocuments(HANDLER_ENV), HANDLER_ENV + " is not an environment variable the Lambda "
                + "extension on this class path documents");
    }

    @Test
    void the_build_defaults_to_the_s3_event_handler() throws IOException {
        List<String> handlers = new ArrayList<>();
        Enumeration<URL> sources = getClass().getClassLoader().getResources("META-INF/microprofile-config.properties");
        while (sources.hasMoreElements()) {
            Properties defaults = new Properties();
            try (InputStream in = sources.nextElement().openStream()) {
                defaults.load(in);
            }
            if (defaults.containsKey("quarkus.lambda.handler")) {
                handlers.add(defaults.getProperty("quarkus.lambda.handler"));
            }
        }
        assertEquals(List.of(S3EventHandler.NAME), handlers, "the lambda build's packaged default");
    }

    private static boolean extensionDocuments(String env) throws IOException {
        Enumeration<URL> models = LambdaTemplateHandlerTest.class.getClassLoader()
                .getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
        ObjectMapper json = new ObjectMapper();
        while (models.hasMoreElements()) {
            try (InputStream in = models.nextElement().openStream()) {
                if (json.readTree(in).findValuesAsText("environmentVariable").contains(env)) {
                    return true;
                }
            }
        }
        return false;
    }
}
