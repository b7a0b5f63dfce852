package dev.jepascore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * Cold start, measured as a user pays it: time from launching the packaged application to its first successful
 * score, and the process's peak resident memory (VmHWM), for each way of running it, several launches each, one
 * after the other on the same machine. JDK only, so it runs as a single source file:
 *
 * <pre>
 * bench/cold-start.sh            # builds what it needs, then runs this with the paths below
 * java src/test/java/dev/jepascore/bench/ColdStartBenchmark.java HTTP_APP LAMBDA_JAR RUNS [BEFORE_HTTP_APP]
 * </pre>
 *
 * The variants take turns (run 1 of every variant, then run 2, ...), so a machine whose load changes during the run
 * weighs on all of them alike; each median is also given as a ratio to plain JDK 25's of the same run.
 * The environment variable NATIVE_BINARY, when set, names the native executable of {@code -Pnative} (with its shared
 * libraries and {@code onnxruntime/} beside it, as the build leaves them), launched as the "native" rows.
 * BEFORE_HTTP_APP, when given, is another build's {@code quarkus-app} (with its own {@code app.aot}, e.g. of the main
 * branch: {@code BEFORE=main bench/cold-start.sh}), launched as "before" in the same run.
 *
 * HTTP_APP is a {@code quarkus-app} folder of the default build with {@code app.aot} (from {@code -Paot} on JDK 25);
 * LAMBDA_JAR the runner jar of {@code -Plambda} (the Lambda build packages a runner jar and {@code lib/}, zipped
 * into function.zip; {@code -} leaves the Lambda variant out). HTTP variants: {@code POST /v1/score} of a fixture
 * PNG, retried every 5 ms until it answers 200. The Lambda variant runs through its handler as Lambda's Java runtime calls it
 * ({@code QuarkusStreamHandler::handleRequest}, the SAM template's Handler; bench/LambdaInvoke.java) with one S3 event
 * naming the fixture in a local store, and stops the clock when the handler's response reports it {@code scored}.
 * Lambda's own runtime client and the download of the function are not part of it.
 */
public final class ColdStartBenchmark {

    private static final Path FIXTURE = Path.of("models/fmnist-lejepa/fixtures/test-00000.png");
    private static final String JAVA_17 = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
    private static final String JDK_25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";
    /** Same collector in every variant, as in the images (deploy/docker) and on Lambda (one vCPU or less). */
    private static final List<String> JVM_OPTS = List.of("-XX:+UseSerialGC");
    /** C1 only: no C2 compiler threads competing with start-up for the two cores (deploy/docker/README.md). */
    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    /**
     * The model the fixture is scored with, served alone as a one-model deployment is ({@code jepa.model.packages});
     * one variant serves every bundled package instead (the default configuration), to show what a second model costs.
     */
    private static final String ONE_MODEL = "-Djepa.model.packages=fmnist-lejepa";
    private static final Duration LAUNCH_LIMIT = Duration.ofSeconds(180);
    /** USER_HZ is 100 on Linux x64. */
    private static final double CLOCK_TICK_MS = 10;
    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");
    private static final Pattern MODEL = Pattern.compile("loaded from .* in ([0-9]+) ms");

    /**
     * @param cpuMs CPU time (user + system, all threads) the process had used when its first score arrived: less
     *              sensitive than wall time to other work on a busy machine, blind to what parallel start-up overlaps
     */
    private record Run(double firstScoreMs, long peakRssKb, double quarkusStartedMs, double modelLoadMs, double cpuMs) {
    }

    private record Variant(String name, List<String> command, Path appDir, boolean lambda) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ColdStartBenchmark HTTP_APP LAMBDA_JAR [RUNS] [BEFORE_HTTP_APP]");
            System.exit(2);
        }
        Path http = "-".equals(args[0]) ? null : Path.of(args[0]).toAbsolutePath(); // "-": native rows only
        Path lambda = "-".equals(args[1]) ? null : Path.of(args[1]).toAbsolutePath(); // "-": no Lambda variant
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path before = args.length > 3 ? Path.of(args[3]).toAbsolutePath() : null;
        byte[] image = Files.readAllBytes(FIXTURE);
        Path aot = http == null ? null : http.resolve("app.aot");
        Path runner = http == null ? null : http.resolve("quarkus-run.jar");
        if (http != null && !Files.isRegularFile(aot)) {
            throw new IllegalStateException(aot + " is missing: build with JAVA_HOME at JDK 25 and -Paot");
        }

        // default configuration (both bundled models) first; the image's JVM flags are deploy/docker/Dockerfile.jvm's
        List<String> imageFlags = List.of("-XX:TieredStopAtLevel=1", "-XX:MaxRAMPercentage=75", "-XX:AOTCache=" + aot);
        if (http == null && System.getenv("NATIVE_BINARY") == null) {
            throw new IllegalStateException("nothing to launch: HTTP_APP is - and NATIVE_BINARY is not set");
        }
        List<Variant> variants = new ArrayList<>();
        Path nativeBinary = System.getenv("NATIVE_BINARY") == null ? null
                : Path.of(System.getenv("NATIVE_BINARY")).toAbsolutePath();
        if (nativeBinary != null) {
            variants.add(new Variant("native, both bundled models", List.of(nativeBinary.toString()),
                    nativeBinary.getParent(), false));
        }
        if (http != null) {
            variants.add(new Variant("JDK 25 + AOT cache + image flags, both bundled models", javaCommand(JDK_25,
                    imageFlags, runner), http, false));
            variants.addAll(byoVariants(imageFlags, runner, http));
            variants.add(new Variant("Java 17, both bundled models", javaCommand(JAVA_17, List.of(), runner), http,
                    false));
        }
        if (nativeBinary != null) {
            variants.add(new Variant("native, one model", List.of(nativeBinary.toString(), ONE_MODEL),
                    nativeBinary.getParent(), false));
        }
        if (http != null) {
            List<String> imageFlagsOneModel = new ArrayList<>(imageFlags);
            imageFlagsOneModel.add(ONE_MODEL);
            variants.add(new Variant("JDK 25 + AOT cache + image flags, one model", javaCommand(JDK_25,
                    imageFlagsOneModel, runner), http, false));
            variants.add(new Variant("Java 17, one model", javaCommand(JAVA_17, List.of(ONE_MODEL), runner), http,
                    false));
            variants.add(new Variant("JDK 25, one model", javaCommand(JDK_25, List.of(ONE_MODEL), runner), http,
                    false));
        }
        if (lambda != null) {
            variants.add(new Variant("Lambda build, Java 17, via handler", javaCommand(JAVA_17, List.of(ONE_MODEL), lambda),
                    lambda, true));
        }
        if (before != null) {
            Path beforeRunner = before.resolve("quarkus-run.jar");
            variants.add(new Variant("before: Java 17", javaCommand(JAVA_17, List.of(), beforeRunner), before, false));
            variants.add(new Variant("before: JDK 25 + AOT cache", javaCommand(JDK_25,
                    List.of("-XX:AOTCache=" + before.resolve("app.aot")), beforeRunner), before, false));
        }

        String only = System.getenv("ONLY");
        if (only != null && !only.isBlank()) {
            variants.removeIf(v -> !v.name().contains(only));
        }
        System.out.printf(Locale.ROOT, "cold starts: %d launches per variant, %d cores, load average %s%n", runs,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        List<List<Run>> results = new ArrayList<>();
        variants.forEach(v -> results.add(new ArrayList<>()));
        for (int i = 0; i < runs; i++) {
            for (int j = 0; j < variants.size(); j++) {
                Variant v = variants.get(j);
                Run run = v.lambda() ? lambdaRun(v, image, i) : httpRun(v, image);
                results.get(j).add(run);
                System.out.printf(Locale.ROOT, "  %-48s run %d: first score %7.0f ms, CPU %6.0f ms, peak RSS %4d MB%n",
                        v.name(), i + 1, run.firstScoreMs(), run.cpuMs(), run.peakRssKb() / 1024);
            }
        }
        System.out.printf(Locale.ROOT, "load average at the end %s%n",
                Files.readString(Path.of("/proc/loadavg")).strip());
        int plainIndex = 0;
        for (int j = 0; j < variants.size(); j++) {
            if (variants.get(j).name().equals("JDK 25, one model")) {
                plainIndex = j;
            }
        }
        double plain25 = median(results.get(plainIndex).stream().mapToDouble(Run::firstScoreMs).toArray());
        System.out.println();
        System.out.println("| variant | first score, median ms | min-max ms | vs JDK 25 | CPU used by then, median ms "
                + "| peak RSS, median MB | Quarkus 'started in', median ms | model load, median ms |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int j = 0; j < variants.size(); j++) {
            List<Run> r = results.get(j);
            double first = median(r.stream().mapToDouble(Run::firstScoreMs).toArray());
            System.out.println(String.format(Locale.ROOT, "| %s | %.0f | %.0f-%.0f | %.2f | %.0f | %.0f | %.0f | %.0f |",
                    variants.get(j).name(), first,
                    r.stream().mapToDouble(Run::firstScoreMs).min().orElse(0),
                    r.stream().mapToDouble(Run::firstScoreMs).max().orElse(0), first / plain25,
                    median(r.stream().mapToDouble(Run::cpuMs).toArray()),
                    median(r.stream().mapToDouble(run -> run.peakRssKb() / 1024.0).toArray()),
                    median(r.stream().mapToDouble(Run::quarkusStartedMs).toArray()),
                    median(r.stream().mapToDouble(Run::modelLoadMs).toArray())));
        }
    }

    private static List<String> javaCommand(String java, List<String> extra, Path jar) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_OPTS);
        command.addAll(extra);
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    /**
     * With BYO_PACKAGES (comma-separated folders written by {@code package-model}): the image's flags serving the two
     * bundled models and each of those packages (a models folder of links made here), and the same with one package
     * at a time beside the bundled fmnist-lejepa alone, so what a bring-your-own package adds to readiness is the
     * difference to the "one model" row.
     */
    private static List<Variant> byoVariants(List<String> imageFlags, Path runner, Path http) throws IOException {
        String byo = System.getenv("BYO_PACKAGES");
        List<Variant> out = new ArrayList<>();
        if (byo == null || byo.isBlank()) {
            return out;
        }
        Path dir = Files.createTempDirectory("jepa-coldstart-models");
        List<String> names = new ArrayList<>(List.of("fmnist-lejepa", "photo-vit"));
        for (String name : names) {
            Files.createSymbolicLink(dir.resolve(name), Path.of("models", name).toAbsolutePath());
        }
        List<String> packages = new ArrayList<>();
        for (String p : byo.split(",")) {
            Path pkg = Path.of(p.strip()).toAbsolutePath();
            String name = pkg.getFileName().toString();
            Files.createSymbolicLink(dir.resolve(name), pkg);
            packages.add(name);
            List<String> flags = new ArrayList<>(imageFlags);
            flags.add("-Djepa.model.dir=" + dir);
            flags.add("-Djepa.model.packages=fmnist-lejepa," + name);
            out.add(new Variant("JDK 25 + AOT cache + image flags, fmnist-lejepa + BYO " + name, javaCommand(JDK_25,
                    flags, runner), http, false));
        }
        names.addAll(packages);
        List<String> flags = new ArrayList<>(imageFlags);
        flags.add("-Djepa.model.dir=" + dir);
        flags.add("-Djepa.model.packages=" + String.join(",", names));
        out.add(0, new Variant("JDK 25 + AOT cache + image flags, both bundled + BYO " + String.join(" + ", packages),
                javaCommand(JDK_25, flags, runner), http, false));
        return out;
    }

    private static Run httpRun(Variant v, byte[] image) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(v.command());
        // system properties go before "-jar" (JVM) or anywhere after the binary (native image)
        int at = command.contains("-jar") ? command.indexOf("-jar") : command.size();
        command.add(at, "-Dquarkus.http.port=" + port);
        command.add(at, "-Djepa.storage.local.poll-interval=off");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest score = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/score"))
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(image)).build();
        long start = System.nanoTime();
        Process process = launch(command);
        StringBuilder log = drain(process);
        try {
            while (true) {
                checkAlive(process, start, log, v);
                try {
                    HttpResponse<String> response = client.send(score, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200 && response.body().contains("jepaScore")) {
                        double ms = (System.nanoTime() - start) / 1e6;
                        return finish(process, ms, log);
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(5);
            }
        } finally {
            stop(process);
        }
    }

    private static Run lambdaRun(Variant v, byte[] image, int index) throws Exception {
        Path store = Files.createTempDirectory("jepa-coldstart-store");
        String key = "cold/start-" + index + "-" + System.nanoTime() + ".png";
        Path object = store.resolve("uploads").resolve(key);
        Files.createDirectories(object.getParent());
        Files.write(object, image);
        Path event = store.resolve("event.json");
        Files.writeString(event, """
                {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "eu-west-1",
                  "eventTime": "2026-11-28T08:00:00.000Z", "eventName": "ObjectCreated:Put",
                  "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": "uploads", "arn": "arn:aws:s3:::uploads"},
                         "object": {"key": "%s", "size": %d, "eTag": "%s", "sequencer": "01"}}}]}"""
                .formatted(key, image.length, // the eTag a store reports for these bytes (their MD5), as S3 would send it
                        java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(image))));

        List<String> command = new ArrayList<>(v.command());
        int jar = command.indexOf("-jar");
        String runner = command.get(jar + 1);
        command.subList(jar, command.size()).clear();
        command.add("-Dquarkus.http.port=" + freePort());
        command.add("-Djepa.storage.local.root=" + store);
        command.add("-Djepa.storage.local.poll-interval=off");
        command.add("-cp");
        command.add(invokerClasses(runner) + java.io.File.pathSeparator + runner);
        command.add("LambdaInvoke");
        command.add(event.toString());
        long start = System.nanoTime();
        Process process = launch(command);
        StringBuilder log = drain(process);
        try {
            while (true) {
                checkAlive(process, start, log, v);
                String text;
                synchronized (log) {
                    text = log.toString();
                }
                int at = text.indexOf("LAMBDA-RESPONSE ");
                if (at >= 0 && text.indexOf('\n', at) > 0) {
                    double ms = (System.nanoTime() - start) / 1e6;
                    String answer = text.substring(at, text.indexOf('\n', at));
                    if (!answer.contains("\"outcome\":\"scored\"")) {
                        throw new IllegalStateException(v.name() + ": the handler did not score the object: " + answer);
                    }
                    return finish(process, ms, log);
                }
                Thread.sleep(5);
            }
        } finally {
            stop(process);
        }
    }

    private static Path invokerClasses;

    /** bench/LambdaInvoke.java compiled once against the Lambda build (javac before the clock, not per launch). */
    private static synchronized String invokerClasses(String runner) throws Exception {
        if (invokerClasses == null) {
            invokerClasses = Files.createTempDirectory("jepa-lambda-invoke");
            Process javac = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                    "--release", "17", "-cp", runner, "-d", invokerClasses.toString(), "bench/LambdaInvoke.java")
                    .inheritIO().start();
            if (javac.waitFor() != 0) {
                throw new IllegalStateException("bench/LambdaInvoke.java did not compile against " + runner);
            }
        }
        return invokerClasses.toString();
    }

    private static Process launch(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Reads the process's output on a daemon thread (so it never blocks on a full pipe) into a buffer. */
    private static StringBuilder drain(Process process) {
        StringBuilder log = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (log) {
                        log.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return log;
    }

    private static void checkAlive(Process process, long start, StringBuilder log, Variant v) {
        if (!process.isAlive()) {
            throw new IllegalStateException(v.name() + " exited with " + process.exitValue() + ":\n" + log);
        }
        if (System.nanoTime() - start > LAUNCH_LIMIT.toNanos()) {
            throw new IllegalStateException(v.name() + ": no score within " + LAUNCH_LIMIT + "\n" + log);
        }
    }

    /** Peak RSS while the process still runs, then the start-up figures it logged. */
    private static Run finish(Process process, double firstScoreMs, StringBuilder log) throws Exception {
        long hwm = peakRssKb(process.pid());
        double cpuMs = cpuMs(process.pid());
        Thread.sleep(50);
        String text;
        synchronized (log) {
            text = log.toString();
        }
        return new Run(firstScoreMs, hwm, find(STARTED, text) * 1000, find(MODEL, text), cpuMs);
    }

    private static double find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** utime + stime of /proc/PID/stat (fields 14 and 15, in clock ticks of 10 ms on Linux x64). */
    private static double cpuMs(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * CLOCK_TICK_MS;
    }

    private static long peakRssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private ColdStartBenchmark() {
    }
}
