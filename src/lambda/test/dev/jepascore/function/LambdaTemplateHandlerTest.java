package dev.jepascore.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The handler the SAM template names exists in the Lambda build and has the method Lambda calls; the build's own
 * handler is an S3 event handler (the one the stream handler dispatches to, there being only one).
 */
@Tag("lambda")
class LambdaTemplateHandlerTest {

    @Test
    void sam_template_names_a_handler_method_that_exists_in_this_build() throws IOException, ReflectiveOperationException {
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(Path.of("deploy/lambda/template.yaml").toFile());
        String handler = template.path("Resources").path("JepaScoreFunction").path("Properties").path("Handler").asText();
        String[] parts = handler.split("::");
        assertEquals(2, parts.length, handler);
        Class<?> type = Class.forName(parts[0]);
        assertTrue(java.util.Arrays.stream(type.getMethods()).anyMatch(m -> m.getName().equals(parts[1])),
                handler + ": no method " + parts[1]);
        assertTrue(RequestHandler.class.isAssignableFrom(S3EventHandler.class));
    }
}
