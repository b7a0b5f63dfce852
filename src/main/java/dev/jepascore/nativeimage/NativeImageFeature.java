package dev.jepascore.nativeimage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeClassInitialization;
import org.graalvm.nativeimage.hosted.RuntimeJNIAccess;
import org.graalvm.nativeimage.hosted.RuntimeReflection;
import org.graalvm.nativeimage.hosted.RuntimeResourceAccess;

/**
 * Everything a native image of this function needs to be told, in one place (named in
 * {@code META-INF/native-image/dev.jepascore/jepa-score/native-image.properties}, so {@code native-image} loads it).
 * Only {@code native-image} runs this class; the JVM build never loads it, and it imports no project class.
 * <ul>
 * <li><b>ONNX Runtime</b>: the classes its JNI library finds by name and builds or reads from native code (value
 * infos, tensors, sequences, maps, sparse tensors, model metadata, exceptions) registered for JNI and reflection whole;
 * run-time initialisation of {@code ai.onnxruntime} (its static initialisers load native code). Its two shared
 * libraries are not embedded: the build puts them in {@code onnxruntime/} beside the binary, where
 * {@code OrtNativeLibraries} points ONNX Runtime (no unpacking of 28 MB on every start).</li>
 * <li><b>Jackson-mapped records</b>: every record of {@code dev.jepascore} (model.json's manifest, result documents,
 * error bodies, events) registered for reflection with its record components, constructors and accessors; Jackson
 * binds records through them, and without them the image cannot even read {@code model.json} at start-up.</li>
 * <li><b>libwebp</b> ({@code com.luciad.imageio.webp}): initialised at run time (a decoder-options
 * {@code Cleaner} created in a static initialiser must not end up in the image heap); its Linux x64 library embedded
 * (the binding unpacks it from its jar's {@code native/Linux/x86_64/}) and its classes registered for JNI.</li>
 * <li>libjpeg-turbo's Java binding is loaded from a jar at run time, which a native image cannot do; the image
 * decodes JPEG with ImageIO and says so at start-up ({@code image.TurboJpegPath}, logged by {@code ImageDecoder}).</li>
 * </ul>
 * ImageIO itself is quarkus-awt's part.
 */
public final class NativeImageFeature implements Feature {

    /**
     * Class names looked up by {@code libonnxruntime4j_jni.so} (ONNX Runtime 1.29; {@code NativeImageFeatureTest}
     * reads the names out of the library on the class path and checks this list covers them).
     */
    static final List<String> ORT_JNI_CLASSES = List.of(
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

    /** Packages whose classes load native code (or create Cleaners) in static initialisers. */
    static final List<String> RUN_TIME_INIT_PACKAGES = List.of("ai.onnxruntime", "com.luciad.imageio.webp");

    /** The WebP binding's classes with native methods, registered for JNI (its library may call back into them). */
    static final List<String> WEBP_JNI_CLASSES = List.of(
            "com.luciad.imageio.webp.WebP",
            "com.luciad.imageio.webp.WebPDecoderOptions",
            "com.luciad.imageio.webp.WebPEncoderOptions");

    /** Where the WebP binding keeps its library for the one platform images are built for. */
    static final String WEBP_LIBRARY = "native/Linux/x86_64/libwebp-imageio.so";

    /** The project's graphs loaded from the class path (ModelRuntime.GRAM_GRAPH). */
    static final List<String> PROJECT_RESOURCES = List.of("onnx/gram-float64.onnx");

    /** Records under this package prefix are registered for Jackson. */
    static final String RECORD_PACKAGE = "dev/jepascore/";

    @Override
    public String getDescription() {
        return "jepa-score: ONNX Runtime JNI, Jackson records, libwebp, run-time initialisation";
    }

    @Override
    public void afterRegistration(AfterRegistrationAccess access) {
        for (String pkg : RUN_TIME_INIT_PACKAGES) {
            RuntimeClassInitialization.initializeAtRunTime(pkg);
        }
    }

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        for (String name : ORT_JNI_CLASSES) {
            registerWhole(required(access, name, "is com.microsoft.onnxruntime a dependency of this build?"), true);
        }
        for (String name : WEBP_JNI_CLASSES) {
            registerWhole(required(access, name, "is com.github.usefulness:webp-imageio a dependency of this build?"), true);
        }
        for (String name : recordClassNames(access.getApplicationClassPath())) {
            Class<?> type = access.findClassByName(name);
            if (type != null && type.isRecord()) {
                registerWhole(type, false);
                RuntimeReflection.registerAllRecordComponents(type);
            }
        }
        ClassLoader loader = access.getApplicationClassLoader();
        for (String resource : resources(name -> loader.getResource(name) != null)) {
            RuntimeResourceAccess.addResource(loader.getUnnamedModule(), resource);
        }
    }

    private static Class<?> required(BeforeAnalysisAccess access, String name, String hint) {
        Class<?> type = access.findClassByName(name);
        if (type == null) {
            throw new IllegalStateException("class " + name + " is not on the image class path; " + hint);
        }
        return type;
    }

    private static void registerWhole(Class<?> type, boolean jni) {
        RuntimeReflection.register(type);
        RuntimeReflection.register(type.getDeclaredConstructors());
        RuntimeReflection.register(type.getDeclaredMethods());
        RuntimeReflection.register(type.getDeclaredFields());
        if (jni) {
            RuntimeJNIAccess.register(type);
            RuntimeJNIAccess.register(type.getDeclaredConstructors());
            RuntimeJNIAccess.register(type.getDeclaredMethods());
            RuntimeJNIAccess.register(type.getDeclaredFields());
        }
    }

    /**
     * The resources to embed, given which exist: the WebP binding's Linux x64 library and the project's graphs. Fails
     * naming a missing one.
     */
    static List<String> resources(Predicate<String> exists) {
        List<String> out = new ArrayList<>();
        List<String> wanted = new ArrayList<>(PROJECT_RESOURCES);
        wanted.add(WEBP_LIBRARY);
        for (String resource : wanted) {
            if (!exists.test(resource)) {
                throw new IllegalStateException("resource " + resource + " is missing from the image class path");
            }
            out.add(resource);
        }
        return out;
    }

    /** Names of the classes under {@value #RECORD_PACKAGE} in the given class-path entries (jars or directories). */
    static List<String> recordClassNames(List<Path> classPath) {
        List<String> names = new ArrayList<>();
        for (Path entry : classPath) {
            try {
                if (Files.isDirectory(entry)) {
                    Path base = entry.resolve(RECORD_PACKAGE);
                    if (Files.isDirectory(base)) {
                        try (Stream<Path> files = Files.walk(base)) {
                            files.map(p -> entry.relativize(p).toString().replace('\\', '/'))
                                    .filter(n -> n.endsWith(".class"))
                                    .forEach(n -> names.add(className(n)));
                        }
                    }
                } else if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar")) {
                    try (ZipFile zip = new ZipFile(entry.toFile())) {
                        zip.stream().map(e -> e.getName())
                                .filter(n -> n.startsWith(RECORD_PACKAGE) && n.endsWith(".class"))
                                .forEach(n -> names.add(className(n)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the classes of " + entry, e);
            }
        }
        return names;
    }

    private static String className(String entryName) {
        return entryName.substring(0, entryName.length() - ".class".length()).replace('/', '.');
    }
}
