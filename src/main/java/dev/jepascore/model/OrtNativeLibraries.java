package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * Where ONNX Runtime loads its shared libraries from. ONNX Runtime looks at the system property
 * {@value #PROPERTY} (a directory) first and otherwise unpacks the libraries from its jar to a temporary directory,
 * on every start (about 28 MB for Linux x64). The build extracts them once to {@code quarkus-app/onnxruntime/}
 * (pom.xml, execution {@code onnxruntime-native}); this class points ONNX Runtime there before its first use:
 * <ol>
 * <li>{@value #PROPERTY} already set (e.g. {@code -Donnxruntime.native.path=...}): left alone;</li>
 * <li>{@code jepa.model.native-path}: must hold the libraries, else start-up fails naming the key;</li>
 * <li>a directory {@value #APP_DIR} beside {@code quarkus-run.jar} holding the libraries;</li>
 * <li>in a native image: {@value #APP_DIR} beside the binary, which must hold them (the native build puts them
 * there; the image does not carry them), else start-up fails naming the directory it looked in;</li>
 * <li>otherwise ONNX Runtime's own unpacking (tests, benchmarks, {@code java -cp}).</li>
 * </ol>
 */
final class OrtNativeLibraries {

    private static final Logger LOG = Logger.getLogger(OrtNativeLibraries.class);

    /** ONNX Runtime's own property (ai.onnxruntime.OnnxRuntime). */
    static final String PROPERTY = "onnxruntime.native.path";
    /** The folder beside quarkus-run.jar the build extracts the libraries to. */
    static final String APP_DIR = "onnxruntime";
    /** What the CPU and GPU builds both need (the GPU build also has provider libraries beside them). */
    static final List<String> LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");
    private static final String RUNNER = "quarkus-run.jar";
    /** Set to "runtime" by a native image in its own process (GraalVM's ImageInfo.PROPERTY_IMAGE_CODE_KEY). */
    static final String IMAGE_CODE = "org.graalvm.nativeimage.imagecode";

    private OrtNativeLibraries() {
    }

    /** Sets {@value #PROPERTY} as the class comment says; returns the directory in use, if any. */
    static Optional<Path> configure(Optional<String> configured) {
        String already = System.getProperty(PROPERTY);
        if (already != null) {
            return Optional.of(Path.of(already));
        }
        Optional<Path> binary = "runtime".equals(System.getProperty(IMAGE_CODE))
                ? ProcessHandle.current().info().command().map(Path::of)
                : Optional.empty();
        Optional<Path> dir = choose(configured, System.getProperty("java.class.path", ""), binary);
        dir.ifPresent(d -> {
            System.setProperty(PROPERTY, d.toAbsolutePath().toString());
            LOG.debugf("ONNX Runtime native libraries from %s", d.toAbsolutePath());
        });
        return dir;
    }

    /** The directory to load from, without side effects. */
    static Optional<Path> choose(Optional<String> configured, String classPath, Optional<Path> nativeBinary) {
        if (configured.isPresent()) {
            Path dir = Path.of(configured.get());
            List<String> missing = missing(dir);
            if (!missing.isEmpty()) {
                throw new ModelException(ErrorCode.MODEL_CONFIG, "jepa.model.native-path=" + configured.get()
                        + " must be a directory holding " + LIBRARIES + "; missing: " + missing);
            }
            return Optional.of(dir);
        }
        if (nativeBinary.isPresent()) {
            Path dir = nativeBinary.get().toAbsolutePath().resolveSibling(APP_DIR);
            List<String> missing = missing(dir);
            if (!missing.isEmpty()) {
                throw new ModelException(ErrorCode.MODEL_CONFIG, "ONNX Runtime's libraries " + missing + " are not in " + dir
                        + " (a native image loads them from " + APP_DIR + "/ beside the binary; "
                        + "jepa.model.native-path names another directory)");
            }
            return Optional.of(dir);
        }
        if (classPath.endsWith(RUNNER) && !classPath.contains(java.io.File.pathSeparator)) {
            Path parent = Path.of(classPath).toAbsolutePath().getParent();
            Path dir = parent == null ? null : parent.resolve(APP_DIR);
            if (dir != null && missing(dir).isEmpty()) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    static List<String> missing(Path dir) {
        return LIBRARIES.stream().filter(lib -> !Files.isRegularFile(dir.resolve(lib))).toList();
    }
}
