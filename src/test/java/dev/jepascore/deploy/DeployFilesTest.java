package dev.jepascore.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.jepascore.event.CloudEventTypes;
import dev.jepascore.image.ImageConfig;
import dev.jepascore.model.ModelConfig;
import dev.jepascore.storage.StorageConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.ConfigMapping;

/**
 * Every file under {@code deploy/} parses, and names only what exists: ports (quarkus.http.port), probe and
 * health-check paths (served by this build: each is fetched), environment variables (this project's config
 * mappings, or an environment variable a Quarkus extension on the class path documents, or one of the few the
 * platform reads), CloudEvent types (mapped to a function, never the reply type), files copied into images, and the
 * model layer. The Lambda handler class is checked by the lambda build's own test.
 */
@QuarkusTest
class DeployFilesTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Read by the JVM, the shell in the image, or the Lambda runtime, not by the application's config. */
    private static final Set<String> PLATFORM_ENV = Set.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "DISABLE_SIGNAL_HANDLERS");
    /**
     * Read by the Lambda extension, which is on the class path of the lambda build only (whose
     * LambdaTemplateHandlerTest checks that the extension documents it and that its values name handlers).
     */
    private static final Set<String> LAMBDA_ENV = Set.of("QUARKUS_LAMBDA_HANDLER");
    /**
     * Files the build leaves that images copy (JVM app with its AOT cache and ORT libraries; native binary, the shared
     * libraries beside it and ORT's libraries in onnxruntime/ beside it).
     */
    private static final List<String> BUILD_OUTPUTS = List.of("target/quarkus-app/", "target/*-runner",
            "target/quarkus-app/onnxruntime/", "target/*.so", "target/onnxruntime/");

    private static Set<String> knownEnv;
    private static int httpPort;

    @BeforeAll
    static void knownNames() throws IOException {
        knownEnv = new TreeSet<>();
        for (Class<?> mapping : List.of(ModelConfig.class, StorageConfig.class, ImageConfig.class)) {
            collectKeys(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, knownEnv);
        }
        Enumeration<URL> models = DeployFilesTest.class.getClassLoader()
                .getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
        while (models.hasMoreElements()) {
            try (InputStream in = models.nextElement().openStream()) {
                JSON.readTree(in).findValuesAsText("environmentVariable").forEach(knownEnv::add);
            }
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        httpPort = Integer.parseInt(properties.getProperty("quarkus.http.port"));
    }

    /** Environment-variable names of every key of a config mapping: {@code jepa.model.cuda-device} -> JEPA_MODEL_CUDA_DEVICE. */
    private static void collectKeys(String prefix, Class<?> mapping, Set<String> out) {
        for (Method method : mapping.getDeclaredMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
                continue;
            }
            String key = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getEnclosingClass() == mapping && type != Optional.class) {
                collectKeys(key, type, out);
            } else {
                out.add(key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT));
            }
        }
    }

    private static List<Path> files(String glob) throws IOException {
        try (Stream<Path> walk = Files.walk(DEPLOY)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).sorted()
                    .toList();
        }
    }

    private static List<JsonNode> documents(Path file) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            List<JsonNode> out = new ArrayList<>();
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull()) {
                    out.add(doc);
                }
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    private static void assertKnownEnv(Path file, String name) {
        assertTrue(knownEnv.contains(name) || PLATFORM_ENV.contains(name),
                file + " sets " + name + ", which no config key of this application or its extensions reads");
    }

    private static void assertServed(Path file, String path) {
        dev.jepascore.testing.Readiness.awaitUp(); // a readiness probe answers 503 while the model still loads
        int status = given().when().get(path).then().extract().statusCode();
        assertEquals(200, status, file + " probes " + path + ", which this build answers with " + status);
    }

    @Test
    void every_deploy_file_is_checked_and_every_yaml_file_parses() throws IOException {
        List<Path> yaml = files("*.{yaml,yml}");
        assertTrue(yaml.size() >= 6, "deploy/ YAML files: " + yaml);
        for (Path file : yaml) {
            assertFalse(documents(file).isEmpty(), file + " has no document");
        }
        assertEquals(3, files("Dockerfile.*").size(), "Dockerfile.jvm, .native and .cuda");
    }

    @Test
    void knative_and_cloud_run_services_name_real_ports_probes_and_config() throws IOException {
        int services = 0;
        for (Path file : files("*.{yaml,yml}")) {
            for (JsonNode doc : documents(file)) {
                if (!"Service".equals(doc.path("kind").asText())
                        || !doc.path("apiVersion").asText().startsWith("serving.knative.dev/")) {
                    continue;
                }
                services++;
                JsonNode containers = doc.path("spec").path("template").path("spec").path("containers");
                assertEquals(1, containers.size(), file + ": one container");
                JsonNode container = containers.get(0);
                assertEquals(httpPort, container.path("ports").path(0).path("containerPort").asInt(), file + " port");
                for (JsonNode env : container.path("env")) {
                    assertKnownEnv(file, env.path("name").asText());
                }
                int probes = 0;
                for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                    JsonNode path = container.path(probe).path("httpGet").path("path");
                    if (!path.isMissingNode()) {
                        assertTrue(path.asText().startsWith("/q/health/"), file + " " + probe);
                        assertServed(file, path.asText());
                        probes++;
                    }
                }
                assertTrue(probes >= 2, file + " has readiness (or startup) and liveness probes");
            }
        }
        assertEquals(3, services, "knative/service.yaml, knative/service-gpu.yaml, cloudrun/service.yaml");
    }

    @Test
    void triggers_subscribe_only_to_mapped_storage_types_and_never_to_the_reply() {
        Path file = DEPLOY.resolve("knative/triggers.yaml");
        Set<String> types = new TreeSet<>();
        for (JsonNode trigger : documents(file)) {
            assertEquals("Trigger", trigger.path("kind").asText());
            String type = trigger.path("spec").path("filter").path("attributes").path("type").asText();
            assertTrue(CloudEventTypes.STORAGE_TRIGGERS.contains(type), file + ": no function is mapped to " + type);
            assertFalse(CloudEventTypes.SCORED.equals(type), file + " must not route the reply back");
            assertEquals("/", trigger.path("spec").path("subscriber").path("uri").asText(), file.toString());
            assertEquals("jepa-score", trigger.path("spec").path("subscriber").path("ref").path("name").asText());
            types.add(type);
        }
        assertEquals(new TreeSet<>(CloudEventTypes.STORAGE_TRIGGERS), types, "one Trigger per mapped type");
    }

    @Test
    void eventarc_trigger_sends_a_mapped_type_to_the_root_path() throws IOException {
        String script = Files.readString(DEPLOY.resolve("cloudrun/eventarc-trigger.sh"));
        Matcher type = Pattern.compile("--event-filters=\"type=([^\"]+)\"").matcher(script);
        assertTrue(type.find(), "the trigger filters on a type");
        assertEquals(CloudEventTypes.GCS_FINALIZED, type.group(1));
        assertTrue(script.contains("--destination-run-path=/ "), "events go to the root path, routed by type");
    }

    @Test
    void sam_templates_trigger_on_the_uploads_prefix_and_write_results_elsewhere() {
        for (String name : List.of("template.yaml", "template-native.yaml")) {
            Path file = DEPLOY.resolve("lambda").resolve(name);
            JsonNode template = documents(file).get(0);
            JsonNode globals = template.path("Globals").path("Function").path("Environment").path("Variables");
            JsonNode function = template.path("Resources").path("JepaScoreFunction").path("Properties");
            JsonNode batch = template.path("Resources").path("JepaScoreBatchFunction").path("Properties");
            List<String> env = new ArrayList<>();
            globals.fieldNames().forEachRemaining(env::add);
            function.path("Environment").path("Variables").fieldNames().forEachRemaining(env::add);
            batch.path("Environment").path("Variables").fieldNames().forEachRemaining(env::add);
            env.forEach(n -> assertTrue(knownEnv.contains(n) || PLATFORM_ENV.contains(n) || LAMBDA_ENV.contains(n),
                    file + " sets " + n + ", which no config key of this application or its extensions reads"));
            assertEquals("UploadsBucketName", globals.path("JEPA_STORAGE_UPLOADS_BUCKET").path("Ref").asText());
            assertEquals("ResultsBucketName", globals.path("JEPA_STORAGE_RESULTS_BUCKET").path("Ref").asText(),
                    file + ": results in another bucket, so a result can never trigger the function");
            JsonNode s3 = function.path("Events").path("Uploads").path("Properties");
            assertEquals("UploadsBucket", s3.path("Bucket").path("Ref").asText());
            assertEquals("prefix", s3.path("Filter").path("S3Key").path("Rules").path(0).path("Name").asText());
            assertEquals("UploadsPrefix", s3.path("Filter").path("S3Key").path("Rules").path(0).path("Value")
                    .path("Ref").asText());
            assertTrue(batch.path("Events").isMissingNode(), file + ": the batch function has no S3 trigger");
            assertEquals(function.path("CodeUri"), batch.path("CodeUri"), file + ": one package, two handlers");
            assertEquals(function.path("Runtime"), batch.path("Runtime"), file.toString());
            Path layer = file.getParent().resolve(template.path("Resources").path("ModelLayer").path("Properties")
                    .path("ContentUri").asText()).normalize();
            assertEquals("/opt", globals.path("JEPA_MODEL_DIR").asText(), "layers are mounted at /opt");
            assertTrue(Files.isRegularFile(layer.resolve("fmnist-lejepa/model.json")),
                    file + ": the model layer " + layer + " holds the default model package");
            String libraries = template.path("Resources").path("OnnxRuntimeLayer").path("Properties")
                    .path("ContentUri").asText();
            assertEquals("../../target/quarkus-app/onnxruntime", libraries,
                    file + ": the layer of ONNX Runtime's libraries is what the build extracts (pom.xml)");
            assertEquals("/opt", globals.path("JEPA_MODEL_NATIVE_PATH").asText(), "layers are mounted at /opt");
            String runtime = function.path("Runtime").asText();
            if (name.contains("native")) {
                assertEquals("provided.al2023", runtime);
                for (JsonNode f : List.of(function, batch)) {
                    assertEquals("true", f.path("Environment").path("Variables").path("DISABLE_SIGNAL_HANDLERS")
                            .asText(), file.toString());
                }
            } else {
                for (JsonNode f : List.of(function, batch)) {
                    assertEquals("PublishedVersions", f.path("SnapStart").path("ApplyOn").asText(), file.toString());
                }
                assertEquals("../../target/function.zip", function.path("CodeUri").asText(),
                        "what ./mvnw package -Plambda produces");
            }
        }
    }

    /**
     * Issue 17: private by default. Knative services are cluster-local (their caller is the broker's Trigger); the
     * Cloud Run service has internal ingress and IAM-checked invocation, and its only invoker is the Eventarc
     * trigger's service account; no Lambda has a function URL, an API event or a permission for any principal;
     * every service names the buckets it serves; nothing anywhere grants allUsers or unauthenticated access.
     */
    @Test
    void deploy_files_are_private_by_default() throws IOException {
        for (Path file : files("service*.yaml")) {
            JsonNode service = documents(file).get(0);
            JsonNode env = service.path("spec").path("template").path("spec").path("containers").path(0).path("env");
            List<String> names = new ArrayList<>();
            env.forEach(e -> names.add(e.path("name").asText()));
            assertTrue(names.contains("JEPA_STORAGE_BUCKETS"), file + " must name the buckets it serves");
            if (file.startsWith(DEPLOY.resolve("knative"))) {
                assertEquals("cluster-local", service.path("metadata").path("labels")
                        .path("networking.knative.dev/visibility").asText(), file + " must not be public");
            } else {
                JsonNode annotations = service.path("metadata").path("annotations");
                assertEquals("internal", annotations.path("run.googleapis.com/ingress").asText(), file.toString());
                assertFalse(annotations.path("run.googleapis.com/invoker-iam-disabled").asText().equals("true"),
                        file + " must let Cloud Run check the invoker");
            }
        }
        String trigger = Files.readString(DEPLOY.resolve("cloudrun/eventarc-trigger.sh"));
        assertTrue(trigger.contains("add-iam-policy-binding jepa-score") && trigger.contains("--role=roles/run.invoker")
                && trigger.contains("--member=\"serviceAccount:$SERVICE_ACCOUNT\""),
                "the Eventarc trigger's service account is the Cloud Run service's invoker");
        for (String name : List.of("template.yaml", "template-native.yaml")) {
            Path file = DEPLOY.resolve("lambda").resolve(name);
            JsonNode template = documents(file).get(0);
            assertEquals("UploadsBucketName", template.path("Globals").path("Function").path("Environment")
                    .path("Variables").path("JEPA_STORAGE_BUCKETS").path("Ref").asText(), file.toString());
            template.path("Resources").fields().forEachRemaining(resource -> {
                JsonNode r = resource.getValue();
                String type = r.path("Type").asText();
                assertFalse(type.equals("AWS::Lambda::Url") || type.equals("AWS::Serverless::Api")
                        || type.equals("AWS::Serverless::HttpApi"), file + ": " + resource.getKey() + " is public");
                assertTrue(r.path("Properties").path("FunctionUrlConfig").isMissingNode(),
                        file + ": " + resource.getKey() + " has a function URL");
                r.path("Properties").path("Events").forEach(event -> assertTrue(
                        List.of("S3").contains(event.path("Type").asText()),
                        file + ": " + resource.getKey() + " is invoked by a " + event.path("Type").asText() + " event"));
                if (type.equals("AWS::Lambda::Permission")) {
                    assertFalse(r.path("Properties").path("Principal").asText().equals("*"), file.toString());
                }
            });
        }
        for (Path file : files("*")) {
            String text = Files.readString(file);
            assertFalse(text.matches("(?s).*(members?[=:]\\s*\"?allUsers|-\\s+\"?allUsers).*"), file + " grants allUsers");
            assertFalse(text.contains("--allow-unauthenticated"), file + " allows unauthenticated callers");
        }
    }

    @Test
    void dockerfiles_expose_the_http_port_and_copy_only_what_exists() throws IOException {
        for (Path file : files("Dockerfile.*")) {
            List<String> lines = Files.readAllLines(file);
            boolean exposes = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                // continuation lines of ENV
                while (line.endsWith("\\") && i + 1 < lines.size()) {
                    line = line.substring(0, line.length() - 1) + " " + lines.get(++i).strip();
                }
                String[] words = line.split("\\s+");
                switch (words[0]) {
                    case "EXPOSE" -> {
                        assertEquals(Integer.toString(httpPort), words[1], file + ": " + line);
                        exposes = true;
                    }
                    case "COPY" -> checkCopy(file, words);
                    case "ENV" -> {
                        Matcher m = Pattern.compile("([A-Z_][A-Z0-9_]*)=").matcher(line);
                        while (m.find()) {
                            assertKnownEnv(file, m.group(1));
                        }
                    }
                    case "HEALTHCHECK" -> {
                        Matcher m = Pattern.compile("GET (/\\S+) ").matcher(line);
                        assertTrue(m.find(), file + ": " + line);
                        assertServed(file, m.group(1));
                    }
                    default -> {
                    }
                }
            }
            assertTrue(exposes, file + " exposes the HTTP port");
        }
    }

    private static void checkCopy(Path file, String[] words) {
        if (Stream.of(words).anyMatch(w -> w.startsWith("--from="))) {
            return;
        }
        for (int i = 1; i < words.length - 1; i++) {
            String source = words[i];
            if (source.startsWith("--")) {
                continue;
            }
            if (source.startsWith("target/")) {
                assertTrue(BUILD_OUTPUTS.stream().anyMatch(source::startsWith), file + " copies " + source
                        + ", which the build does not produce");
            } else if (!Files.exists(Path.of(source))) {
                fail(file + " copies " + source + ", which is not in the repository");
            }
        }
    }
}
