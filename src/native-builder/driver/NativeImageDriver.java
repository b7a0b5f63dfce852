/*
 * The `native-image` command of the builder home that src/native-builder/assemble.sh puts together: it turns
 * native-image options, @argfiles and every class-path jar's META-INF/native-image files into one run of
 * GraalVM's image builder (com.oracle.svm.hosted.NativeImageGeneratorRunner, from the Maven jars in
 * lib/svm/builder) on the home's own JVM (Temurin 25, whose java.home is this home).
 *
 * Written for this project from the builder's interfaces: the JVM it needs (JVMCI on, the builder jars as
 * modules, the graal compiler jar upgrading the JDK's), the arguments its runner takes (-imagecp, -keepalive,
 * --image-args-file= with NUL-separated hosted options) and the hosted options behind the documented
 * native-image options. Only the options this project's builds use (Quarkus's and its jars') are mapped; any
 * other `--option` fails naming it.
 */

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

public final class NativeImageDriver {

    /** The GraalVM release whose builder jars the home carries (assemble.sh pins the same). */
    static final String GRAALVM_VERSION = "25.0.2";
    static final String VENDOR_VERSION = "GraalVM CE " + GRAALVM_VERSION + "+1";
    static final String RUNNER_MODULE = "org.graalvm.nativeimage.builder";
    static final String RUNNER_CLASS = "com.oracle.svm.hosted.NativeImageGeneratorRunner";
    static final String ASSEMBLE = "src/native-builder/assemble.sh";

    /** META-INF/native-image files and the hosted option each becomes (the builder reads them as resources). */
    static final Map<String, String> CONFIG_FILES = Map.of(
            "reachability-metadata.json", "ReachabilityMetadataResources",
            "jni-config.json", "JNIConfigurationResources",
            "reflect-config.json", "ReflectionConfigurationResources",
            "resource-config.json", "ResourceConfigurationResources",
            "proxy-config.json", "DynamicProxyConfigurationResources",
            "serialization-config.json", "SerializationConfigurationResources",
            "predefined-classes-config.json", "PredefinedClassesConfigurationResources");

    /** native-image options that are a hosted option with a value: `--name=value` becomes `-H:Option=value`. */
    static final Map<String, String> VALUE_OPTIONS = Map.ofEntries(
            Map.entry("--features", "Features"),
            Map.entry("--enable-url-protocols", "EnableURLProtocols"),
            Map.entry("--enable-monitoring", "EnableMonitoringFeatures"),
            Map.entry("--enable-native-access", "EnableNativeAccess"),
            Map.entry("--link-at-build-time", "LinkAtBuildTime"),
            Map.entry("--trace-class-initialization", "TraceClassInitialization"),
            Map.entry("--trace-object-instantiation", "TraceObjectInstantiation"),
            Map.entry("--add-exports", "AddExports"),
            Map.entry("--add-opens", "AddOpens"),
            Map.entry("--add-reads", "AddReads"),
            Map.entry("--parallelism", "NumberOfThreads"),
            Map.entry("-march", "MicroArchitecture"),
            Map.entry("--native-compiler-path", "CCompilerPath"),
            Map.entry("--native-compiler-options", "CCompilerOption"),
            Map.entry("--configurations-path", "ConfigurationFileDirectories"));

    /** Options without a value, and the hosted option each stands for. */
    static final Map<String, String> FLAG_OPTIONS = Map.ofEntries(
            Map.entry("--no-fallback", "-H:FallbackThreshold=0"),
            Map.entry("--link-at-build-time", "-H:LinkAtBuildTime="),
            Map.entry("--enable-http", "-H:EnableURLProtocols=http"),
            Map.entry("--enable-https", "-H:EnableURLProtocols=https"),
            Map.entry("--enable-all-security-services", "-H:+EnableAllSecurityServices"),
            Map.entry("--install-exit-handlers", "-H:+InstallExitHandlers"),
            Map.entry("--static", "-H:+StaticExecutable"),
            Map.entry("--shared", "-H:+SharedLibrary"),
            Map.entry("--gc=serial", "-H:+UseSerialGC"),
            Map.entry("--gc=epsilon", "-H:+UseEpsilonGC"),
            Map.entry("--verbose", "-H:+Verbose"),
            Map.entry("-g", "-H:GenerateDebugInfo=2"),
            Map.entry("--report-unsupported-elements-at-runtime", "-H:+ReportUnsupportedElementsAtRuntime"));

    final Path home;
    final List<String> jvmArgs = new ArrayList<>();
    final List<String> hostedArgs = new ArrayList<>();
    final LinkedHashSet<Path> classpath = new LinkedHashSet<>();
    final List<Pattern[]> excludedConfigs = new ArrayList<>();
    final Map<String, String> environment = new LinkedHashMap<>();
    final Set<Path> metaInfDone = new java.util.HashSet<>();
    String mainClass;
    String imageName;
    Path jar;

    NativeImageDriver(Path home) {
        this.home = home;
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("native-image.root", System.getProperty("java.home")));
        try {
            if (args.length > 0 && args[0].equals("--version")) {
                System.out.println("native-image " + GRAALVM_VERSION + " 2026-01-20");
                System.out.println("GraalVM Runtime Environment " + VENDOR_VERSION + " (build " + Runtime.version() + ")");
                System.out.println("Substrate VM " + VENDOR_VERSION + " (build " + Runtime.version() + ", serial gc)");
                return;
            }
            if (args.length == 2 && args[0].equals("--write-builder-exports")) {
                writeBuilderExports(home, Path.of(args[1]));
                return;
            }
            NativeImageDriver driver = new NativeImageDriver(home);
            driver.checkHome();
            System.exit(driver.build(List.of(args)));
        } catch (DriverError e) {
            System.err.println("native-image: " + e.getMessage());
            System.exit(2);
        }
    }

    static final class DriverError extends RuntimeException {
        DriverError(String message) {
            super(message);
        }
    }

    /** Every part of the home the builder needs, checked before the builder starts so a missing one is named. */
    void checkHome() {
        List<Path> required = List.of(
                home.resolve("bin/java"),
                home.resolve("lib/svm/builder/svm.jar"),
                home.resolve("lib/svm/builder-exports.args"),
                home.resolve("lib/jvmci/graal.jar"),
                home.resolve("lib/svm/clibraries/linux-amd64/liblibchelper.a"),
                home.resolve("lib/svm/clibraries/linux-amd64/libjvm.a"),
                home.resolve("lib/svm/clibraries/linux-amd64/include/amd64cpufeatures.h"),
                home.resolve("lib/static/linux-amd64/glibc/libjava.a"),
                home.resolve("lib/svm/builder/lib/libreporterchelper.so"));
        for (Path p : required) {
            if (!Files.exists(p)) {
                throw new DriverError("builder part missing: " + p + "; run " + ASSEMBLE + " to fetch and build it");
            }
        }
    }

    int build(List<String> args) {
        Deque<String> queue = new ArrayDeque<>(expandArgFiles(args));
        while (!queue.isEmpty()) {
            consume(queue, "command line");
        }
        if (classpath.isEmpty()) {
            classpath.add(Path.of("."));
        }
        for (Path entry : List.copyOf(classpath)) {
            readMetaInf(entry);
        }
        if (mainClass == null && hostedArgs.stream().noneMatch(a -> a.startsWith("-H:+SharedLibrary"))) {
            throw new DriverError("no main class: give -jar <jar> or a class name");
        }
        if (imageName == null) {
            imageName = jar != null ? jar.getFileName().toString().replaceFirst("\\.jar$", "") : mainClass.toLowerCase();
        }
        return runBuilder();
    }

    /** Arguments from @files: one or more per line, whitespace-separated, quotes kept together, # comments. */
    static List<String> expandArgFiles(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("@") && arg.length() > 1) {
                try {
                    out.addAll(expandArgFiles(splitArgs(Files.readString(Path.of(arg.substring(1))))));
                } catch (IOException e) {
                    throw new DriverError("cannot read argument file " + arg.substring(1) + ": " + e.getMessage());
                }
            } else {
                out.add(arg);
            }
        }
        return out;
    }

    static List<String> splitArgs(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean in = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                in = true;
            } else if (c == '#' && !in) {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (Character.isWhitespace(c)) {
                if (in) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    in = false;
                }
            } else {
                cur.append(c);
                in = true;
            }
        }
        if (in) {
            out.add(cur.toString());
        }
        return out;
    }

    void consume(Deque<String> q, String origin) {
        String arg = q.poll();
        if (arg.startsWith("-H:") || arg.startsWith("-R:")) {
            hostedArgs.add(arg);
        } else if (arg.startsWith("-J")) {
            jvmArgs.add(arg.substring(2));
        } else if (arg.startsWith("-D")) {
            jvmArgs.add(arg);
        } else if (arg.startsWith("-E")) {
            String kv = arg.substring(2);
            int eq = kv.indexOf('=');
            environment.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? System.getenv(kv) : kv.substring(eq + 1));
        } else if (arg.equals("-jar")) {
            jar = Path.of(required(q, arg)).toAbsolutePath();
            addClasspath(jar);
            readManifest(jar);
        } else if (arg.equals("-cp") || arg.equals("-classpath") || arg.equals("--class-path")) {
            for (String e : required(q, arg).split(":")) {
                if (!e.isEmpty()) {
                    addClasspath(Path.of(e).toAbsolutePath());
                }
            }
        } else if (arg.equals("-o")) {
            imageName = required(q, arg);
        } else if (arg.startsWith("-O") && arg.length() > 2) {
            hostedArgs.add("-H:Optimize=" + arg.substring(2));
        } else if (arg.equals("--exclude-config")) {
            excludedConfigs.add(new Pattern[] {Pattern.compile(required(q, arg)), Pattern.compile(required(q, arg))});
        } else if (arg.startsWith("--initialize-at-run-time") || arg.startsWith("--initialize-at-build-time")) {
            String phase = arg.startsWith("--initialize-at-run-time") ? ":run_time" : ":build_time";
            int eq = arg.indexOf('=');
            String value = eq < 0 ? "" : arg.substring(eq + 1);
            StringBuilder spec = new StringBuilder();
            for (String name : value.split(",", -1)) {
                spec.append(spec.isEmpty() ? "" : ",").append(name).append(phase);
            }
            hostedArgs.add("-H:ClassInitialization=" + spec);
        } else if (arg.startsWith("-") && arg.contains("=") && VALUE_OPTIONS.containsKey(arg.substring(0, arg.indexOf('=')))) {
            int eq = arg.indexOf('=');
            hostedArgs.add("-H:" + VALUE_OPTIONS.get(arg.substring(0, eq)) + "=" + arg.substring(eq + 1));
        } else if (FLAG_OPTIONS.containsKey(arg)) {
            hostedArgs.add(FLAG_OPTIONS.get(arg));
        } else if (arg.startsWith("-")) {
            throw new DriverError("option " + arg + " (from " + origin + ") is not supported by this driver ("
                    + "src/native-builder/driver/NativeImageDriver.java); use a GraalVM or Mandrel distribution through GRAALVM_HOME for it");
        } else if (jar == null && mainClass == null) {
            mainClass = arg;
        } else if (imageName == null) {
            imageName = arg;
        } else {
            throw new DriverError("unexpected argument " + arg + " (from " + origin + ")");
        }
    }

    static String required(Deque<String> q, String option) {
        String v = q.poll();
        if (v == null) {
            throw new DriverError("option " + option + " needs a value");
        }
        return v;
    }

    void addClasspath(Path entry) {
        classpath.add(entry.normalize());
    }

    void readManifest(Path jarFile) {
        try (JarFile jf = new JarFile(jarFile.toFile())) {
            Manifest mf = jf.getManifest();
            if (mf == null) {
                throw new DriverError("no manifest in " + jarFile);
            }
            String main = mf.getMainAttributes().getValue("Main-Class");
            if (main == null) {
                throw new DriverError("no Main-Class in the manifest of " + jarFile);
            }
            mainClass = main;
            String cp = mf.getMainAttributes().getValue("Class-Path");
            if (cp != null) {
                for (String e : cp.trim().split(" +")) {
                    if (!e.isEmpty()) {
                        addClasspath(jarFile.getParent().resolve(e));
                    }
                }
            }
        } catch (IOException e) {
            throw new DriverError("cannot read jar " + jarFile + ": " + e.getMessage());
        }
    }

    /** native-image.properties (Args, JavaArgs, ImageName) and the JSON configuration files of one class-path entry. */
    void readMetaInf(Path entry) {
        if (!metaInfDone.add(entry) || !Files.exists(entry)) {
            return;
        }
        try {
            if (Files.isDirectory(entry)) {
                readMetaInfTree(entry, entry.resolve("META-INF/native-image"));
            } else if (entry.toString().endsWith(".jar")) {
                try (FileSystem fs = FileSystems.newFileSystem(entry)) {
                    readMetaInfTree(entry, fs.getPath("/META-INF/native-image"));
                }
            }
        } catch (IOException e) {
            throw new DriverError("cannot read " + entry + ": " + e.getMessage());
        }
    }

    void readMetaInfTree(Path entry, Path base) throws IOException {
        if (!Files.isDirectory(base)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(base)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        Path root = base.getParent().getParent();
        for (Path file : files) {
            String name = file.getFileName().toString();
            boolean excluded = excludedConfigs.stream()
                    .anyMatch(p -> p[0].matcher(entry.toString()).find() && p[1].matcher(file.toString()).find());
            if (excluded) {
                continue;
            }
            if (name.equals("native-image.properties")) {
                Properties props = new Properties();
                try (InputStream in = Files.newInputStream(file)) {
                    props.load(in);
                }
                String origin = entry + "!" + file;
                String component = root.relativize(file.getParent()).toString();
                if (props.getProperty("ImageName") != null && imageName == null) {
                    imageName = props.getProperty("ImageName").trim();
                }
                String javaArgs = props.getProperty("JavaArgs");
                if (javaArgs != null) {
                    jvmArgs.addAll(splitArgs(javaArgs.replace("${.}", component)));
                }
                String args = props.getProperty("Args");
                if (args != null) {
                    Deque<String> q = new ArrayDeque<>(splitArgs(args.replace("${.}", component)));
                    while (!q.isEmpty()) {
                        consume(q, origin);
                    }
                }
            } else if (CONFIG_FILES.containsKey(name)) {
                hostedArgs.add("-H:" + CONFIG_FILES.get(name) + "=" + root.relativize(file));
            }
        }
    }

    int runBuilder() {
        Path temp;
        try {
            temp = Files.createTempDirectory("native-image-driver-");
        } catch (IOException e) {
            throw new DriverError("cannot create a temporary directory: " + e.getMessage());
        }
        try {
            List<String> vm = new ArrayList<>();
            vm.addAll(List.of("-XX:+UseParallelGC", "-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI", "-XX:-UseJVMCICompiler"));
            vm.addAll(readLines(home.resolve("lib/svm/builder-exports.args")));
            vm.addAll(List.of("-Xss10m", "-Djava.awt.headless=true", "-Xshare:off",
                    "-Dorg.graalvm.vendor=GraalVM Community", "-Dorg.graalvm.vendorurl=https://www.graalvm.org/",
                    "-Dorg.graalvm.vendorversion=" + VENDOR_VERSION, "-Dorg.graalvm.version=" + GRAALVM_VERSION,
                    "-Dcom.oracle.graalvm.isaot=true",
                    "-Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader",
                    "-Dorg.graalvm.nativeimage.imagecode=buildtime",
                    "-Djdk.internal.lambda.disableEagerInitialization=true",
                    "-Djdk.internal.lambda.eagerlyInitialize=false",
                    "-Djava.lang.invoke.InnerClassLambdaMetafactory.initializeLambdas=false",
                    "-Djava.lang.invoke.MethodHandle.DONT_INLINE_THRESHOLD=-1",
                    "-Djava.lang.invoke.MethodHandle.PROFILE_GWT=false"));
            if (jvmArgs.stream().noneMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxRAM"))) {
                vm.add("-Xmx" + System.getProperty("native-image.xmx", "7g"));
            }
            vm.addAll(jvmArgs);
            vm.add("--add-modules=ALL-DEFAULT");
            List<Path> builderJars = jars(home.resolve("lib/svm/builder"));
            vm.add("--enable-native-access=" + String.join(",", moduleNames(builderJars)));
            vm.addAll(List.of("--upgrade-module-path", home.resolve("lib/jvmci/graal.jar").toString()));
            vm.addAll(List.of("--module-path", String.join(":", builderJars.stream().map(Path::toString).toList())));
            vm.addAll(List.of("--module", RUNNER_MODULE + "/" + RUNNER_CLASS));
            vm.addAll(List.of("-keepalive", "/proc/" + ProcessHandle.current().pid() + "/comm"));

            Path clib = home.resolve("lib/svm/clibraries");
            List<String> builder = new ArrayList<>();
            builder.add("-imagecp");
            builder.add(String.join(":", classpath.stream().map(Path::toString).toList()));
            builder.add("-H:CLibraryPath=" + String.join(",", Stream.of(clib.resolve("linux-amd64/glibc"), clib.resolve("linux-amd64"), clib)
                    .filter(Files::isDirectory).map(Path::toString).toList()));
            builder.add("-H:Path=" + Path.of("").toAbsolutePath());
            // This home has no static JDK libraries and no container-support library: the image links Temurin's
            // shared JDK libraries, which are copied beside it and found there through the rpath.
            builder.addAll(List.of("-H:+UnlockExperimentalVMOptions", "-H:-UseContainerSupport", "-H:-ForeignAPISupport",
                    "-H:LinkerRPath=$ORIGIN", "-H:-UnlockExperimentalVMOptions"));
            builder.addAll(hostedArgs);
            builder.add("-H:Class=" + mainClass);
            builder.add("-H:Name=" + imageName);
            builder.add("-H:ImageBuildID=" + UUID.nameUUIDFromBytes(String.join("\0", hostedArgs).getBytes(StandardCharsets.UTF_8)));

            Path vmFile = temp.resolve("vminvocation.args");
            Files.writeString(vmFile, String.join("\n", vm.stream().map(NativeImageDriver::quoteForArgFile).toList()));
            Path builderFile = temp.resolve("native-image.args");
            Files.writeString(builderFile, String.join("\0", builder));

            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/java").toString(), "@" + vmFile, "--image-args-file=" + builderFile);
            Map<String, String> env = pb.environment();
            for (String v : List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "JAVA_COMPILER")) {
                env.remove(v);
            }
            env.putAll(environment);
            env.put("USE_NATIVE_IMAGE_JAVA_PLATFORM_MODULE_SYSTEM", "true");
            env.put("DRIVER_TEMP_DIR_ENV_VARIABLE", temp.toString());
            if (Boolean.getBoolean("native-image.verbose") || System.getenv("VERBOSE_GRAALVM_LAUNCHERS") != null) {
                System.err.println("native-image: " + String.join(" ", pb.command()) + "\n  " + String.join("\n  ", vm) + "\n  " + String.join("\n  ", builder));
            }
            Process p = pb.inheritIO().start();
            int status = p.waitFor();
            if (status == 0) {
                copyJdkLibraries(outputDirectory().resolve(imageName));
            }
            return status;
        } catch (IOException e) {
            throw new DriverError("cannot start the image builder: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } finally {
            deleteTree(temp);
        }
    }

    /** Where the builder writes the image: the last -H:Path, else the working directory. */
    Path outputDirectory() {
        String path = Path.of("").toAbsolutePath().toString();
        for (String a : hostedArgs) {
            if (a.startsWith("-H:Path=")) {
                path = a.substring("-H:Path=".length());
            }
        }
        return Path.of(path);
    }

    /**
     * Copies beside the image every shared library of this home it needs (its NEEDED entries, transitively, as
     * readelf lists them) and the stand-in libjvm.so those libraries name.
     */
    void copyJdkLibraries(Path image) throws IOException, InterruptedException {
        if (!Files.isRegularFile(image)) {
            return;
        }
        Deque<Path> todo = new ArrayDeque<>(List.of(image));
        Set<String> copied = new TreeSet<>();
        while (!todo.isEmpty()) {
            Path binary = todo.poll();
            Process readelf = new ProcessBuilder("readelf", "-d", binary.toString()).redirectErrorStream(true).start();
            String out = new String(readelf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            readelf.waitFor();
            java.util.regex.Matcher m = Pattern.compile("\\(NEEDED\\)\\s+Shared library: \\[([^\\]]+)\\]").matcher(out);
            while (m.find()) {
                String lib = m.group(1);
                Path source = lib.equals("libjvm.so") ? home.resolve("lib/svm/jdk-shim/libjvm.so") : home.resolve("lib").resolve(lib);
                if (Files.isRegularFile(source) && copied.add(lib)) {
                    Path target = image.resolveSibling(lib);
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    todo.add(source);
                }
            }
        }
        if (!copied.isEmpty()) {
            System.out.println("native-image: copied beside " + image.getFileName() + ": " + String.join(" ", copied));
        }
    }

    static String quoteForArgFile(String arg) {
        if (arg.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'' || c == '#' || c == '\\')) {
            return arg;
        }
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static List<String> readLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    static List<Path> jars(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jar")) {
            ds.forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    static List<String> moduleNames(List<Path> jars) {
        return ModuleFinder.of(jars.toArray(Path[]::new)).findAll().stream().map(r -> r.descriptor().name()).sorted().toList();
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }

    /**
     * The --add-exports the builder's JVM needs: every package of another module (the JDK's, or a builder jar's)
     * that a builder class names and that module does not export to it. Computed once when the home is
     * assembled, by reading the class references of every builder jar.
     */
    static void writeBuilderExports(Path home, Path out) throws DriverError {
        try {
            List<Path> builderJars = jars(home.resolve("lib/svm/builder"));
            List<Path> all = new ArrayList<>(builderJars);
            all.add(home.resolve("lib/jvmci/graal.jar"));
            ModuleFinder finder = ModuleFinder.compose(ModuleFinder.of(all.toArray(Path[]::new)), ModuleFinder.ofSystem());
            Map<String, ModuleDescriptor> owner = new HashMap<>();
            for (ModuleReference ref : finder.findAll()) {
                for (String pkg : ref.descriptor().packages()) {
                    owner.putIfAbsent(pkg, ref.descriptor());
                }
            }
            Map<String, Set<String>> needed = new TreeMap<>();
            for (Path jarPath : all) {
                String self = ModuleFinder.of(jarPath).findAll().iterator().next().descriptor().name();
                try (ZipFile zf = new ZipFile(jarPath.toFile())) {
                    for (ZipEntry e : java.util.Collections.list(zf.entries())) {
                        if (!e.getName().endsWith(".class") || e.getName().endsWith("module-info.class") || e.getName().startsWith("META-INF/")) {
                            continue;
                        }
                        ClassModel cm;
                        try (InputStream in = zf.getInputStream(e)) {
                            cm = ClassFile.of().parse(in.readAllBytes());
                        } catch (IllegalArgumentException unreadable) {
                            continue;
                        }
                        for (PoolEntry pe : cm.constantPool()) {
                            if (!(pe instanceof ClassEntry ce)) {
                                continue;
                            }
                            String name = ce.asInternalName();
                            while (name.startsWith("[")) {
                                name = name.substring(1);
                            }
                            if (name.startsWith("L") && name.endsWith(";")) {
                                name = name.substring(1, name.length() - 1);
                            }
                            int slash = name.lastIndexOf('/');
                            if (slash < 0) {
                                continue;
                            }
                            String pkg = name.substring(0, slash).replace('/', '.');
                            ModuleDescriptor m = owner.get(pkg);
                            if (m == null || m.name().equals(self) || exportedTo(m, pkg, self)) {
                                continue;
                            }
                            needed.computeIfAbsent(m.name() + "/" + pkg, k -> new TreeSet<>()).add(self);
                        }
                    }
                }
            }
            List<String> lines = new ArrayList<>();
            lines.add("# --add-exports for the image builder's JVM, written by NativeImageDriver --write-builder-exports");
            needed.forEach((pkg, mods) -> lines.add("--add-exports=" + pkg + "=" + String.join(",", mods)));
            Files.write(out, lines);
        } catch (IOException e) {
            throw new DriverError("cannot compute the builder's exports: " + e.getMessage());
        }
    }

    static boolean exportedTo(ModuleDescriptor m, String pkg, String reader) {
        if (m.isOpen() || m.isAutomatic()) {
            return true;
        }
        for (ModuleDescriptor.Exports ex : m.exports()) {
            if (ex.source().equals(pkg) && (!ex.isQualified() || ex.targets().contains(reader))) {
                return true;
            }
        }
        return false;
    }
}
