package dev.jepascore.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.graalvm.nativeimage.hosted.Feature;
import org.junit.jupiter.api.Test;

/**
 * What NativeImageFeature registers, checked against the jars on the class path (the native build itself, with
 * the integration tests run against the binary, is {@code ./mvnw verify -Pnative}).
 */
class NativeImageFeatureTest {

    private static final ClassLoader LOADER = NativeImageFeatureTest.class.getClassLoader();

    /** Class names a JNI library can look up: slash-separated, as FindClass takes them. */
    private static Set<String> classNamesIn(String resource) throws IOException {
        byte[] bytes;
        try (InputStream in = LOADER.getResourceAsStream(resource)) {
            assertTrue(in != null, resource + " is on the class path");
            bytes = in.readAllBytes();
        }
        Matcher m = Pattern.compile("(ai/onnxruntime|java/lang|java/util)/[A-Za-z0-9_$/]+")
                .matcher(new String(bytes, StandardCharsets.ISO_8859_1));
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group().replace('/', '.'));
        }
        return names;
    }

    @Test
    void registers_every_class_the_jni_library_looks_up() throws IOException {
        Set<String> looked = classNamesIn("ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so");
        assertTrue(looked.contains("ai.onnxruntime.TensorInfo"), "the scan finds class names: " + looked);
        Set<String> missing = new TreeSet<>(looked);
        missing.removeAll(NativeImageFeature.ORT_JNI_CLASSES);
        assertEquals(Set.of(), missing, "classes the JNI library looks up but the Feature does not register");
    }

    @Test
    void every_registered_class_exists_in_this_onnx_runtime() throws ClassNotFoundException {
        for (String name : NativeImageFeature.ORT_JNI_CLASSES) {
            Class.forName(name, false, LOADER);
        }
    }

    @Test
    void embeds_the_webp_library_and_the_project_graphs_but_not_onnx_runtime() {
        List<String> resources = NativeImageFeature.resources(name -> LOADER.getResource(name) != null);
        assertEquals(List.of("onnx/gram-float64.onnx", "native/Linux/x86_64/libwebp-imageio.so"), resources,
                "ONNX Runtime's libraries go beside the binary, not into it");
        assertFalse(resources.stream().anyMatch(r -> r.startsWith("ai/onnxruntime/")));
    }

    @Test
    void fails_the_image_build_naming_a_missing_resource() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NativeImageFeature.resources(name -> !name.endsWith("libwebp-imageio.so")));
        assertTrue(e.getMessage().contains("native/Linux/x86_64/libwebp-imageio.so"), e.getMessage());
    }

    @Test
    void finds_the_jackson_mapped_records_of_the_project() throws Exception {
        java.nio.file.Path classes = java.nio.file.Path.of(
                dev.jepascore.model.ModelManifest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = NativeImageFeature.recordClassNames(List.of(classes));
        assertTrue(names.contains("dev.jepascore.model.ModelManifest"), "model.json's record is listed");
        assertTrue(names.contains("dev.jepascore.model.ModelManifest$Signals"), "nested records are listed");
        for (String name : names) {
            assertTrue(name.startsWith("dev.jepascore."), name);
        }
    }

    @Test
    void every_webp_jni_class_exists() throws ClassNotFoundException {
        for (String name : NativeImageFeature.WEBP_JNI_CLASSES) {
            Class.forName(name, false, LOADER);
        }
    }

    @Test
    void native_image_properties_name_the_feature() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = LOADER.getResourceAsStream(
                "META-INF/native-image/dev.jepascore/jepa-score/native-image.properties")) {
            properties.load(in);
        }
        assertEquals("--features=" + NativeImageFeature.class.getName(), properties.getProperty("Args"));
        assertTrue(Feature.class.isAssignableFrom(NativeImageFeature.class));
        assertEquals(List.of("ai.onnxruntime", "com.luciad.imageio.webp"), NativeImageFeature.RUN_TIME_INIT_PACKAGES);
    }
}
