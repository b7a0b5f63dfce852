package dev.jepascore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.jepascore.image.TestImages;
import dev.jepascore.testing.EventTestSupport;
import dev.jepascore.testing.S3ProxyServer;
import dev.jepascore.testing.TestS3;

/**
 * The reliability suite: starts the packaged application ({@code -Djar=}, default
 * {@code target/quarkus-app/quarkus-run.jar}) as a separate process on loopback and measures, bounded in time and
 * count, what its users would notice under stress. Prints one table per scenario:
 * <ul>
 * <li>{@code load}: 1, 8, 64 and 256 clients posting a 28x28 PNG for {@code -Dseconds=} each;</li>
 * <li>{@code overload}: 32 clients posting a legal 39.7 MP 16-bit RGBA PNG (320 KB, 318 MB decoded);</li>
 * <li>{@code flood}: 64 clients posting a 19.5 MB PNG of 2550 x 2550 noise back to back for 20 s, half of them
 * asking first with {@code Expect: 100-continue} (as curl does), half sending the body at once (as Python's
 * {@code http.client} does);</li>
 * <li>{@code corpus}: the full decoder corpus ({@code dev.jepascore.image.Corpus}, {@code -Dcorpus.scale=}, default
 * 24: 3 112 valid images, and two damaged copies of each) posted one by one to {@code POST /v1/score}: every valid
 * image must be scored, no damaged one answered 5xx; counts per class;</li>
 * <li>{@code slow}: 110 clients that declare a 27 MiB body, send 20 MiB and stall, while readiness is probed;</li>
 * <li>{@code s3}: 40 objects through storage events while S3Proxy is killed (10 events), then frozen (SIGSTOP, 3
 * events), every event
 * redelivered until answered 200; then every object must have exactly one document with the on-demand score.</li>
 * </ul>
 * Run with {@code ./mvnw -q -Preliability package -DskipTests exec:java} (see README, "Reliability").
 */
public final class ReliabilityBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Path jar;
    private final double seconds;
    private final List<String> extraArgs;

    private ReliabilityBench(Path jar, double seconds, List<String> extraArgs) {
        this.jar = jar;
        this.seconds = seconds;
        this.extraArgs = extraArgs;
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("jar", "target/quarkus-app/quarkus-run.jar"));
        double seconds = Double.parseDouble(System.getProperty("seconds", "8"));
        List<String> extra = new ArrayList<>();
        String jvm = System.getProperty("appJvmArgs", "");
        if (!jvm.isBlank()) {
            extra.addAll(List.of(jvm.trim().split("\\s+")));
        }
        String scenarios = System.getProperty("scenarios", "load,overload,slow,s3");
        System.out.printf("jar %s, %d cores, %s; app JVM args %s%n", jar, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), extra);
        ReliabilityBench bench = new ReliabilityBench(jar, seconds, extra);
        for (String scenario : scenarios.split(",")) {
            long start = System.nanoTime();
            try {
                switch (scenario.trim()) {
                    case "load" -> bench.load();
                    case "overload" -> bench.overload();
                    case "flood" -> bench.flood();
                    case "corpus" -> bench.corpus();
                    case "slow" -> bench.slowBodies();
                    case "s3" -> bench.s3Outage();
                    default -> throw new IllegalArgumentException("unknown scenario " + scenario);
                }
            } catch (Exception e) {
                // one failed scenario must not hide the others' figures
                System.out.printf("scenario %s failed: %s%n", scenario, e);
                e.printStackTrace(System.out);
            }
            System.out.printf("(scenario %s took %.0f s)%n", scenario.trim(), (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * A pool of daemon threads: the suite runs inside the build tool's JVM ({@code exec:java}), which waits for every
     * non-daemon thread before it ends, so a pool left behind by a failure would hold the run open forever.
     */
    static ExecutorService daemons(int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
    }

    // ---------------------------------------------------------------- scenarios

    private void load() throws Exception {
        byte[] png = EventTestSupport.png(7);
        try (App app = App.start(jar, extraArgs, Map.of())) {
            System.out.printf("%n## load: POST /v1/score of a 28x28 PNG, %.0f s per row%n", seconds);
            System.out.println("| clients | requests | per s | statuses | p50 ms | p99 ms | errors | cores app / generator "
                    + "| refusals so far |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (int clients : new int[] { 1, 8, 64, 256 }) {
                Run run = app.hammer(clients, seconds, "/v1/score", "image/png", png);
                System.out.printf("| %d | %d | %.0f | %s | %.1f | %.1f | %d | %s | %s |%n", clients, run.count(),
                        run.count() / seconds, run.statuses(), run.percentile(50), run.percentile(99), run.errors(),
                        run.cores(), app.refusals());
            }
            System.out.printf("peak RSS %d MiB; %s%n", app.peakRssMiB(), app.refusals());
        }
    }

    private void overload() throws Exception {
        byte[] large = TestImages.pngRgba16(7000, 5670);
        double runFor = Math.max(20, seconds);
        System.out.printf("%n## overload: 32 clients, %d-byte 39.7 MP 16-bit RGBA PNG, %.0f s per row%n", large.length,
                runFor);
        System.out.println("| clients | answers | by status and code | p50 ms | p99 ms | within 1 s | slowest ms | "
                + "503 p50 / p99 / max ms | 200 p50 / p99 / max ms | OutOfMemoryError in log | image_corrupt | "
                + "peak RSS MiB | cores app / generator |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (boolean polite : new boolean[] { false, true }) {
            try (App app = App.start(jar, extraArgs, Map.of())) {
                Run run = app.hammer(32, runFor, "/v1/score", "image/png", large, polite);
                System.out.printf("| %s | %d | %s | %.0f | %.0f | %d | %.0f | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f "
                        + "| %d | %d | %d | %s |%n", polite ? "honour Retry-After" : "back to back", run.count(),
                        run.codes(), run.percentile(50), run.percentile(99), run.within(1000), run.percentile(100),
                        run.percentile(503, 50), run.percentile(503, 99), run.slowest(503), run.percentile(200, 50),
                        run.percentile(200, 99), run.slowest(200), app.logCount("OutOfMemoryError"),
                        run.codeCount("image_corrupt"), app.peakRssMiB(), run.cores());
                System.out.println(app.refusals());
            }
        }
    }

    private void flood() throws Exception {
        byte[] noise = noisePng(2550, 2550, 20);
        int clients = 64;
        double runFor = Math.max(20, seconds);
        System.out.printf("%n## flood: %d clients, %d-byte PNG of 2550 x 2550 noise, back to back for %.0f s, half "
                + "asking with Expect: 100-continue%n", clients, noise.length, runFor);
        try (App app = App.start(jar, extraArgs, Map.of())) {
            Map<Boolean, Run> runs = app.flood(clients, runFor, "/v1/score", "image/png", noise);
            System.out.println("| clients | answers | by status and code | transport errors | within 1 s | slowest ms | "
                    + "503 p50 / p99 / max ms | 200 p50 / p99 / max ms | cores app / generator |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (Map.Entry<Boolean, Run> e : runs.entrySet()) {
                Run run = e.getValue();
                System.out.printf("| %d %s | %d | %s | %d | %d | %.0f | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f | %s |%n",
                        clients / 2, e.getKey() ? "asking (Expect)" : "sending at once", run.count(), run.codes(),
                        run.errors(), run.within(1000), run.percentile(100), run.percentile(503, 50),
                        run.percentile(503, 99), run.slowest(503), run.percentile(200, 50), run.percentile(200, 99),
                        run.slowest(200), run.cores());
            }
            System.out.printf("images scored %d; peak RSS %d MiB; OutOfMemoryError in log %d; %s%n",
                    runs.values().stream().mapToLong(r -> r.codeCount200()).sum(), app.peakRssMiB(),
                    app.logCount("OutOfMemoryError"), app.refusals());
        }
    }

    private void corpus() throws Exception {
        int scale = Integer.getInteger("corpus.scale", 24);
        List<dev.jepascore.image.Corpus.Sample> valid = dev.jepascore.image.Corpus.valid(scale);
        List<dev.jepascore.image.Corpus.Sample> damaged = dev.jepascore.image.Corpus.mutated(valid, 2, 20);
        try (App app = App.start(jar, extraArgs, Map.of())) {
            Map<String, Map<String, Integer>> byClass = new TreeMap<>();
            List<String> wrong = new ArrayList<>();
            long start = System.nanoTime();
            for (dev.jepascore.image.Corpus.Sample s : valid) {
                String answer = answer(app, s);
                byClass.computeIfAbsent(s.cls(), c -> new TreeMap<>()).merge(answer, 1, Integer::sum);
                if (!answer.equals("200")) {
                    wrong.add("valid " + s.cls() + " " + s.name() + ": " + answer);
                }
            }
            Map<String, Map<String, Integer>> damagedByClass = new TreeMap<>();
            for (dev.jepascore.image.Corpus.Sample s : damaged) {
                String answer = answer(app, s);
                String format = s.cls().split(" ")[0] + (s.cls().endsWith("truncated") ? " truncated" : " bit-flipped");
                damagedByClass.computeIfAbsent(format, c -> new TreeMap<>()).merge(answer, 1, Integer::sum);
                if (answer.startsWith("5") || answer.startsWith("io")) {
                    wrong.add("damaged " + s.cls() + " " + s.name() + ": " + answer);
                }
            }
            System.out.printf("%n## corpus (scale %d): %d valid images, %d damaged copies, POST /v1/score one by one, "
                    + "%.0f s%n", scale, valid.size(), damaged.size(), (System.nanoTime() - start) / 1e9);
            System.out.println("| class | answers |");
            System.out.println("|---|---|");
            byClass.forEach((c, a) -> System.out.printf("| %s | %s |%n", c, a));
            damagedByClass.forEach((c, a) -> System.out.printf("| %s | %s |%n", c, a));
            System.out.printf("valid images not scored or damaged ones answered 5xx / not at all: %d%n", wrong.size());
            wrong.stream().limit(40).forEach(System.out::println);
            System.out.printf("OutOfMemoryError in log %d; peak RSS %d MiB%n", app.logCount("OutOfMemoryError"),
                    app.peakRssMiB());
        }
    }

    /** The status of one image's answer, with its error code when not 200 ({@code 400 image_corrupt}). */
    private static String answer(App app, dev.jepascore.image.Corpus.Sample s) {
        try {
            HttpResponse<String> r = app.post("/v1/score", "application/octet-stream", s.bytes(), Duration.ofSeconds(60));
            Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([a-z_]+)\"").matcher(r.body());
            return r.statusCode() + (r.statusCode() != 200 && m.find() ? " " + m.group(1) : "");
        } catch (IOException e) {
            return "io " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** A {@code w x h} RGB PNG of uniform noise (incompressible: about 3 bytes a pixel), from {@code seed}. */
    static byte[] noisePng(int w, int h, long seed) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        new java.util.Random(seed).nextBytes(pixels);
        return TestImages.encode(image, "png");
    }

    private void slowBodies() throws Exception {
        int clients = 110;
        long declared = 27L << 20;
        int sent = 20 << 20;
        try (App app = App.start(jar, extraArgs, Map.of("jepa.admission.body-timeout", "10s"))) {
            Map<String, Integer> answers = new ConcurrentHashMap<>();
            List<Long> answerMs = new CopyOnWriteArrayList<>();
            ExecutorService pool = daemons(clients);
            long start = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                pool.submit(() -> {
                    String status = slowClient(app.port, declared, sent);
                    answers.merge(status, 1, Integer::sum);
                    answerMs.add((System.nanoTime() - start) / 1_000_000);
                });
            }
            pool.shutdown();
            List<Long> readyMs = new ArrayList<>();
            int readyFailures = 0;
            while (!pool.awaitTermination(1, TimeUnit.SECONDS) && System.nanoTime() - start < 120e9) {
                long t = System.nanoTime();
                int status = app.get("/q/health/ready", Duration.ofSeconds(5));
                readyMs.add((System.nanoTime() - t) / 1_000_000);
                readyFailures += status == 200 ? 0 : 1;
            }
            pool.shutdownNow();
            Collections.sort(answerMs);
            Collections.sort(readyMs);
            System.out.printf("%n## slow bodies: %d clients declare %d MiB, send %d MiB, stall%n", clients,
                    declared >> 20, sent >> 20);
            System.out.println("| answers | last answer after s | readiness probes | failed | slowest probe ms | "
                    + "OutOfMemoryError in log | peak RSS MiB |");
            System.out.println("|---|---|---|---|---|---|---|");
            System.out.printf("| %s | %.1f | %d | %d | %d | %d | %d |%n", new TreeMap<>(answers),
                    answerMs.isEmpty() ? 0 : answerMs.get(answerMs.size() - 1) / 1000.0, readyMs.size(), readyFailures,
                    readyMs.isEmpty() ? 0 : readyMs.get(readyMs.size() - 1), app.logCount("OutOfMemoryError"),
                    app.peakRssMiB());
        }
    }

    private static String slowClient(int port, long declared, int sent) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(90_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/score HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: "
                    + declared + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            try {
                for (int i = 0; i < sent / chunk.length; i++) {
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException refusedWhileSending) {
                // the server answered and closed early: read its answer below
            }
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) >= 0 && b != '\n';) {
                line.append((char) b);
            }
            String[] parts = line.toString().split(" ");
            return parts.length > 1 ? parts[1] : "closed";
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }

    private void s3Outage() throws Exception {
        int objects = 40;
        S3ProxyServer server = S3ProxyServer.startNew();
        try (S3Client s3 = TestS3.client(server)) {
            s3.createBucket(b -> b.bucket("uploads"));
            Map<String, String> config = new java.util.HashMap<>(Map.of("jepa.storage.kind", "s3",
                    "quarkus.s3.endpoint-override", server.endpoint().toString(),
                    "quarkus.s3.path-style-access", "true", "quarkus.s3.aws.region", "us-east-1",
                    "quarkus.s3.aws.credentials.type", "static",
                    "quarkus.s3.aws.credentials.static-provider.access-key-id", S3ProxyServer.ACCESS_KEY,
                    "quarkus.s3.aws.credentials.static-provider.secret-access-key", S3ProxyServer.SECRET_KEY));
            try (App app = App.start(jar, extraArgs, config)) {
                List<byte[]> images = new ArrayList<>();
                List<byte[]> events = new ArrayList<>();
                for (int i = 0; i < objects; i++) {
                    byte[] image = EventTestSupport.png(500 + i);
                    String key = "bench/item-" + i + ".png";
                    s3.putObject(b -> b.bucket("uploads").key(key), RequestBody.fromBytes(image));
                    images.add(image);
                    events.add(EventTestSupport.s3Event("uploads", key, EventTestSupport.md5(image), image.length));
                }
                long pid = Long.parseLong(System.getProperty("jepa.test.s3proxy.pid." + server.port()));
                Map<Integer, Integer> statuses = new TreeMap<>();
                List<Long> eventMs = new ArrayList<>();
                List<Integer> pending = new ArrayList<>();
                for (int i = 0; i < objects; i++) {
                    if (i == 10) {
                        server.stop(); // killed
                    } else if (i == 20) {
                        server.start();
                        signal(server, "STOP"); // frozen: accepts connections, answers nothing
                    } else if (i == 23) {
                        signal(server, "CONT"); // each frozen event costs up to 3 attempts x 10 s: keep it to three
                    }
                    long t = System.nanoTime();
                    int status = deliver(app, events.get(i));
                    eventMs.add((System.nanoTime() - t) / 1_000_000);
                    statuses.merge(status, 1, Integer::sum);
                    if (status != 200) {
                        pending.add(i);
                    }
                }
                int redeliveries = 0;
                for (int round = 0; round < 30 && !pending.isEmpty(); round++) {
                    Thread.sleep(1000);
                    List<Integer> still = new ArrayList<>();
                    for (int i : pending) {
                        redeliveries++;
                        if (deliver(app, events.get(i)) != 200) {
                            still.add(i);
                        }
                    }
                    pending = still;
                }
                int exactlyOnce = 0;
                int sameScore = 0;
                for (int i = 0; i < objects; i++) {
                    String prefix = "jepa-scores/bench/item-" + i + ".png@";
                    List<String> documents = s3.listObjectsV2Paginator(b -> b.bucket("uploads").prefix(prefix))
                            .contents().stream().map(S3Object::key).toList();
                    if (documents.size() == 1) {
                        exactlyOnce++;
                        JsonNode document = JSON.readTree(s3.getObjectAsBytes(b -> b.bucket("uploads")
                                .key(documents.get(0))).asByteArray());
                        double onDemand = JSON.readTree(app.post("/v1/score", "image/png", images.get(i),
                                Duration.ofSeconds(30)).body()).path("jepaScore").asDouble();
                        sameScore += "scored".equals(document.path("outcome").asText())
                                && document.path("jepaScore").asDouble() == onDemand ? 1 : 0;
                    }
                }
                Collections.sort(eventMs);
                System.out.printf("%n## S3 killed (objects 10-19) then frozen by SIGSTOP (objects 20-22), %d objects%n",
                        objects);
                System.out.println("| first answers | slowest event ms | redeliveries | never answered 200 | "
                        + "objects with exactly one document | with the on-demand score |");
                System.out.println("|---|---|---|---|---|---|");
                System.out.printf("| %s | %d | %d | %d | %d | %d |%n", statuses, eventMs.get(eventMs.size() - 1),
                        redeliveries, pending.size(), exactlyOnce, sameScore);
            }
        } finally {
            signal(server, "CONT");
            server.destroy();
        }
    }

    /**
     * Delivers one storage event as the platform would: its status, or -1 when the connection failed (the platform
     * redelivers then too).
     */
    private static int deliver(App app, byte[] event) throws InterruptedException {
        try {
            return app.post("/onObjectCreated", "application/json", event, Duration.ofSeconds(150)).statusCode();
        } catch (IOException e) {
            System.out.printf("delivery failed: %s%n", e);
            return -1;
        }
    }

    private static void signal(S3ProxyServer server, String signal) throws IOException, InterruptedException {
        String pid = System.getProperty("jepa.test.s3proxy.pid." + server.port());
        if (pid != null) {
            new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start().waitFor();
        }
    }

    // ---------------------------------------------------------------- the application under test

    /** Linux's clock ticks per second ({@code getconf CLK_TCK}), the unit of /proc/PID/stat's CPU times. */
    static final long CLOCK_TICKS = 100;

    /** Answers of one load run, and the CPU the application and the load generator used during it (ms). */
    record Run(List<long[]> answers, List<String> codeList, int errors, long appCpuMs, long generatorCpuMs,
            double seconds) {
        int count() {
            return answers.size();
        }

        /** Cores the application and the generator kept busy on average, e.g. {@code "1.21 / 0.35"}. */
        String cores() {
            return String.format("%.2f / %.2f", appCpuMs / 1000.0 / seconds, generatorCpuMs / 1000.0 / seconds);
        }

        String statuses() {
            Map<Long, Integer> by = new TreeMap<>();
            answers.forEach(a -> by.merge(a[0], 1, Integer::sum));
            return by.toString();
        }

        String codes() {
            Map<String, Integer> by = new TreeMap<>();
            codeList.forEach(c -> by.merge(c, 1, Integer::sum));
            return by.toString();
        }

        long codeCount200() {
            return answers.stream().filter(a -> a[0] == 200).count();
        }

        long codeCount(String code) {
            return codeList.stream().filter(c -> c.endsWith(" " + code)).count();
        }

        double percentile(double p) {
            List<Long> ms = answers.stream().map(a -> a[1]).sorted().toList();
            return ms.isEmpty() ? 0 : ms.get((int) Math.min(ms.size() - 1, Math.ceil(p / 100 * ms.size()) - 1));
        }

        /** The {@code p}th percentile of the answers with {@code status}, ms (0 when none). */
        double percentile(long status, double p) {
            List<Long> ms = answers.stream().filter(a -> a[0] == status).map(a -> a[1]).sorted().toList();
            return ms.isEmpty() ? 0 : ms.get((int) Math.min(ms.size() - 1, Math.ceil(p / 100 * ms.size()) - 1));
        }

        /** Answers that came within {@code ms}. */
        long within(long ms) {
            return answers.stream().filter(a -> a[1] <= ms).count();
        }

        double slowest(long status) {
            return answers.stream().filter(a -> a[0] == status).mapToLong(a -> a[1]).max().orElse(0);
        }
    }

    /** The packaged application as a child process on a free loopback port. */
    static final class App implements AutoCloseable {
        final Process process;
        final int port;
        final Path log;
        final Path data;
        final HttpClient http;

        private App(Process process, int port, Path log, Path data) {
            this.process = process;
            this.port = port;
            this.log = log;
            this.data = data;
            this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(daemons(16)).build();
        }

        static App start(Path jar, List<String> jvmArgs, Map<String, String> config) throws Exception {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            Path data = Files.createTempDirectory("jepa-reliability-");
            Path log = data.resolve("app.log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            command.addAll(jvmArgs);
            command.add("-Dquarkus.http.port=" + port);
            command.add("-Dquarkus.http.host=127.0.0.1");
            command.add("-Djepa.storage.local.root=" + data.resolve("store"));
            command.add("-Djepa.storage.local.poll-interval=off");
            config.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-jar");
            command.add(jar.toAbsolutePath().toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            App app = new App(process, port, log, data);
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (app.get("/q/health/ready", Duration.ofSeconds(2)) != 200) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    app.close();
                    throw new IllegalStateException("the application did not become ready; see " + log);
                }
                Thread.sleep(250);
            }
            return app;
        }

        int get(String path, Duration timeout) {
            try {
                return http.send(HttpRequest.newBuilder(uri(path)).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        HttpResponse<String> post(String path, String type, byte[] body, Duration timeout) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(uri(path)).timeout(timeout).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** {@code clients} threads posting {@code body} back to back for {@code seconds}. */
        Run hammer(int clients, double seconds, String path, String type, byte[] body) throws Exception {
            return hammer(clients, seconds, path, type, body, false);
        }

        /**
         * {@code clients} threads posting {@code body} back to back for {@code seconds}, each on its own kept-alive
         * connection ({@link SocketClient}); {@code honourRetryAfter}: a client refused with {@code Retry-After}
         * waits that long before its next request, as the platforms' and SDKs' retry policies do. Also measures
         * the CPU the application and this generator used meanwhile.
         */
        Run hammer(int clients, double seconds, String path, String type, byte[] body, boolean honourRetryAfter)
                throws Exception {
            List<long[]> answers = new CopyOnWriteArrayList<>();
            List<String> codes = new CopyOnWriteArrayList<>();
            AtomicLong errors = new AtomicLong();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            byte[] head = SocketClient.postHead(path, type, body.length);
            long appCpu = cpuMillis();
            long ownCpu = ownCpuMillis();
            ExecutorService pool = daemons(clients);
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    try (SocketClient client = new SocketClient(port, 120_000)) {
                        while (System.nanoTime() < end) {
                            long t = System.nanoTime();
                            try {
                                SocketClient.Answer r = client.send(head, body);
                                answers.add(new long[] { r.status(), (System.nanoTime() - t) / 1_000_000 });
                                codes.add(r.status() + (r.status() == 200 ? "" : " " + errorCode(r.body())));
                                if (honourRetryAfter && r.retryAfterSeconds() > 0) {
                                    Thread.sleep(Math.min(r.retryAfterSeconds() * 1000,
                                            Math.max(0, (end - System.nanoTime()) / 1_000_000)));
                                }
                            } catch (IOException e) {
                                errors.incrementAndGet();
                                codes.add("io " + e.getClass().getSimpleName());
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination((long) seconds + 180, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
            return new Run(answers, codes, (int) errors.get(), cpuMillis() - appCpu, ownCpuMillis() - ownCpu,
                    seconds);
        }

        /**
         * {@code clients} threads posting {@code body} back to back for {@code seconds}, half of them asking first
         * ({@link SocketClient#sendAsking}); the answers of each half (key: asking).
         */
        Map<Boolean, Run> flood(int clients, double seconds, String path, String type, byte[] body) throws Exception {
            Map<Boolean, List<long[]>> answers = Map.of(true, new CopyOnWriteArrayList<>(), false,
                    new CopyOnWriteArrayList<>());
            Map<Boolean, List<String>> codes = Map.of(true, new CopyOnWriteArrayList<>(), false,
                    new CopyOnWriteArrayList<>());
            Map<Boolean, AtomicLong> errors = Map.of(true, new AtomicLong(), false, new AtomicLong());
            long end = System.nanoTime() + (long) (seconds * 1e9);
            byte[] head = SocketClient.postHead(path, type, body.length);
            long appCpu = cpuMillis();
            long ownCpu = ownCpuMillis();
            ExecutorService pool = daemons(clients);
            for (int c = 0; c < clients; c++) {
                boolean asking = c % 2 == 0;
                pool.submit(() -> {
                    try (SocketClient client = new SocketClient(port, 120_000)) {
                        while (System.nanoTime() < end) {
                            long t = System.nanoTime();
                            try {
                                SocketClient.Answer r = asking ? client.sendAsking(head, body) : client.send(head, body);
                                answers.get(asking).add(new long[] { r.status(), (System.nanoTime() - t) / 1_000_000 });
                                codes.get(asking).add(r.status() + (r.status() == 200 ? "" : " " + errorCode(r.body())));
                            } catch (IOException e) {
                                errors.get(asking).incrementAndGet();
                                codes.get(asking).add("io " + e.getClass().getSimpleName());
                            }
                        }
                    }
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination((long) seconds + 180, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
            long appCpuMs = cpuMillis() - appCpu;
            long ownCpuMs = ownCpuMillis() - ownCpu;
            Map<Boolean, Run> runs = new java.util.LinkedHashMap<>();
            for (boolean asking : new boolean[] { true, false }) {
                runs.put(asking, new Run(answers.get(asking), codes.get(asking), (int) errors.get(asking).get(),
                        appCpuMs, ownCpuMs, seconds));
            }
            return runs;
        }

        /** CPU time the application process used so far (user + system, from /proc), ms; -1 when unknown. */
        long cpuMillis() {
            try {
                String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name, in clock ticks
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /** CPU time this load generator's JVM used so far, ms. */
        static long ownCpuMillis() {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1_000_000
                    : -1;
        }

        private static String errorCode(String body) {
            Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([a-z_]+)\"").matcher(body);
            return m.find() ? m.group(1) : "?";
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        /** The admission's refusals by reason, from {@code /q/metrics}. */
        String refusals() {
            try {
                String text = http.send(HttpRequest.newBuilder(uri("/q/metrics")).timeout(Duration.ofSeconds(30))
                        .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
                Map<String, String> by = new TreeMap<>();
                Matcher m = Pattern.compile("(?m)^jepa_admission_(rejected|abandoned)_total(?:\\{reason=\"(\\w+)\"[^}]*})? "
                        + "(\\S+)$").matcher(text);
                while (m.find()) {
                    by.put(m.group(2) == null ? m.group(1) : m.group(2), m.group(3));
                }
                return "admission refusals " + by;
            } catch (IOException e) {
                return "admission refusals unknown: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "admission refusals unknown";
            }
        }

        long peakRssMiB() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
            return -1;
        }

        long logCount(String text) {
            try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                return lines.filter(l -> l.contains(text)).count();
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public void close() {
            http.executor().ifPresent(e -> ((ExecutorService) e).shutdownNow());
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
