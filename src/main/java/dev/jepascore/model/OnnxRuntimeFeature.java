package dev.jepascore.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeClassInitialization;
import org.graalvm.nativeimage.hosted.RuntimeJNIAccess;
import org.graalvm.nativeimage.hosted.RuntimeReflection;
import org.graalvm.nativeimage.hosted.RuntimeResourceAccess;

/**
 * Everything a native image needs to know about ONNX Runtime, in one place (named in
 * {@code META-INF/native-image/dev.jepascore/jepa-score/native-image.properties}, so {@code native-image} loads it):
 * <ul>
 * <li>the classes ONNX Runtime's JNI library finds by name and builds or reads from native code (value infos,
 * tensors, sequences, maps, sparse tensors, model metadata, exceptions), registered for JNI and reflection whole;</li>
 * <li>its Linux x64 shared libraries as resources (the jar carries every platform's; an image is built for one),
 * which it unpacks at start-up unless {@code onnxruntime.native.path} points at a directory holding them, and the
 * project's own small graphs;</li>
 * <li>run-time initialisation of {@code ai.onnxruntime}: its static initialisers load native code, which must
 * happen in the running process, never in the image builder.</li>
 * </ul>
 * ImageIO (decoding) is quarkus-awt's part. Only {@code native-image} runs this class; the JVM build never loads it.
 */
public final class OnnxRuntimeFeature implements Feature {

    /**
     * Class names looked up by {@code libonnxruntime4j_jni.so} (ONNX Runtime 1.29; {@code OnnxRuntimeFeatureTest}
     * reads the names out of the library on the class path and checks this list covers them).
     */
    static final List<String> JNI_CLASSES = List.of(
            "ai.onnxruntime.MapInfo",
            "ai.onnxruntime.NodeInfo",
            "ai.onnxruntime.OnnxMap",
            "ai.onnxruntime.OnnxModelMetadata",
            "ai.onnxruntime.OnnxSequence",
            "ai.onnxruntime.OnnxSparseTensor",
            "ai.onnxruntime.OnnxTensor",
            "ai.onnxruntime.OnnxValue",
            "ai.onnxruntime.OrtException",
            "ai.onnxruntime.SequenceInfo",
            "ai.onnxruntime.TensorInfo",
            "ai.onnxruntime.ValueInfo",
            "java.lang.String");

    /** Package whose classes load native code in static initialisers. */
    static final String RUN_TIME_INIT_PACKAGE = "ai.onnxruntime";

    /** Where ONNX Runtime's jar keeps the libraries for the one platform images are built for. */
    static final String NATIVE_DIR = "ai/onnxruntime/native/linux-x64/";

    /** The CPU build's two libraries, and the GPU build's provider libraries (present only in onnxruntime_gpu). */
    static final List<String> NATIVE_LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so",
            "libonnxruntime_providers_shared.so", "libonnxruntime_providers_cuda.so");

    /** The project's graphs loaded from the class path (ModelRuntime.GRAM_GRAPH). */
    static final List<String> PROJECT_RESOURCES = List.of("onnx/gram-float64.onnx");

    @Override
    public String getDescription() {
        return "ONNX Runtime: JNI and reflection registrations, linux-x64 libraries, run-time initialisation";
    }

    @Override
    public void afterRegistration(AfterRegistrationAccess access) {
        RuntimeClassInitialization.initializeAtRunTime(RUN_TIME_INIT_PACKAGE);
    }

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        for (String name : JNI_CLASSES) {
            Class<?> type = access.findClassByName(name);
            if (type == null) {
                throw new IllegalStateException("ONNX Runtime class " + name + " is not on the image class path; "
                        + "is com.microsoft.onnxruntime a dependency of this build?");
            }
            RuntimeJNIAccess.register(type);
            RuntimeJNIAccess.register(type.getDeclaredConstructors());
            RuntimeJNIAccess.register(type.getDeclaredMethods());
            RuntimeJNIAccess.register(type.getDeclaredFields());
            RuntimeReflection.register(type);
            RuntimeReflection.register(type.getDeclaredConstructors());
            RuntimeReflection.register(type.getDeclaredMethods());
            RuntimeReflection.register(type.getDeclaredFields());
        }
        ClassLoader loader = access.getApplicationClassLoader();
        for (String resource : resources(name -> loader.getResource(name) != null)) {
            RuntimeResourceAccess.addResource(loader.getUnnamedModule(), resource);
        }
    }

    /**
     * The resources to embed, given which exist: every linux-x64 library the ONNX Runtime jar on the class path has,
     * and the project's graphs. Fails when the two libraries every build needs are missing.
     */
    static List<String> resources(Predicate<String> exists) {
        List<String> out = new ArrayList<>();
        for (String library : NATIVE_LIBRARIES) {
            if (exists.test(NATIVE_DIR + library)) {
                out.add(NATIVE_DIR + library);
            }
        }
        for (String required : NATIVE_LIBRARIES.subList(0, 2)) {
            if (!out.contains(NATIVE_DIR + required)) {
                throw new IllegalStateException("ONNX Runtime's jar has no " + NATIVE_DIR + required
                        + ": native images are built for linux-x64 only");
            }
        }
        for (String resource : PROJECT_RESOURCES) {
            if (!exists.test(resource)) {
                throw new IllegalStateException("resource " + resource + " is missing from the build");
            }
            out.add(resource);
        }
        return out;
    }
}
