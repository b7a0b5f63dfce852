package dev.jepascore.model;

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
 * What OnnxRuntimeFeature registers, checked against the ONNX Runtime jar on the class path (native-image itself is
 * not available on these machines).
 */
class OnnxRuntimeFeatureTest {

    private static final ClassLoader LOADER = OnnxRuntimeFeatureTest.class.getClassLoader();

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
        Set<String> looked = classNamesIn(OnnxRuntimeFeature.NATIVE_DIR + "libonnxruntime4j_jni.so");
        assertTrue(looked.contains("ai.onnxruntime.TensorInfo"), "the scan finds class names: " + looked);
        Set<String> missing = new TreeSet<>(looked);
        missing.removeAll(OnnxRuntimeFeature.JNI_CLASSES);
        assertEquals(Set.of(), missing, "classes the JNI library looks up but the Feature does not register");
    }

    @Test
    void every_registered_class_exists_in_this_onnx_runtime() throws ClassNotFoundException {
        for (String name : OnnxRuntimeFeature.JNI_CLASSES) {
            Class.forName(name, false, LOADER);
        }
    }

    @Test
    void embeds_only_linux_x64_libraries_and_the_project_graphs() {
        List<String> resources = OnnxRuntimeFeature.resources(name -> LOADER.getResource(name) != null);
        assertEquals(List.of("ai/onnxruntime/native/linux-x64/libonnxruntime.so",
                "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so", "onnx/gram-float64.onnx"), resources,
                "the CPU build's jar has no provider libraries");
        assertTrue(LOADER.getResource("ai/onnxruntime/native/osx-aarch64/libonnxruntime.dylib") != null
                || LOADER.getResource("ai/onnxruntime/native/win-x64/onnxruntime.dll") != null,
                "the jar carries other platforms' libraries, which are left out");
        assertFalse(resources.stream().anyMatch(r -> r.contains("osx") || r.contains("win-") || r.contains("aarch64")));
    }

    @Test
    void fails_the_image_build_naming_a_missing_library() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OnnxRuntimeFeature.resources(name -> !name.endsWith("libonnxruntime4j_jni.so")));
        assertTrue(e.getMessage().contains("libonnxruntime4j_jni.so"), e.getMessage());
    }

    @Test
    void native_image_properties_name_the_feature() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = LOADER.getResourceAsStream(
                "META-INF/native-image/dev.jepascore/jepa-score/native-image.properties")) {
            properties.load(in);
        }
        assertEquals("--features=" + OnnxRuntimeFeature.class.getName(), properties.getProperty("Args"));
        assertTrue(Feature.class.isAssignableFrom(OnnxRuntimeFeature.class));
        assertEquals("ai.onnxruntime", OnnxRuntimeFeature.RUN_TIME_INIT_PACKAGE);
    }
}
