package dev.jepascore.bench;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * Two scorer graphs of the same model side by side (e.g. the Python-exported and the differentiated
 * fmnist-lejepa scorer.onnx): time per image of one run (embedding + J) at a batch size, ONNX Runtime
 * with the given intra-op threads, interleaved rounds, best round of each. Prints figures; asserts nothing.
 * Run: {@code java -cp target/test-classes:target/classes:<classpath> dev.jepascore.bench.ScorerGraphBenchmark
 * A.onnx B.onnx [batch] [threads] [rounds]}.
 */
public final class ScorerGraphBenchmark {

    public static void main(String[] args) throws Exception {
        // ONNX Runtime's environment is created on a thread with a large stack (a long class path overflowed 1 MB)
        Thread worker = new Thread(null, () -> {
            try {
                run(args);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bench", 64L << 20);
        worker.start();
        worker.join();
    }

    private static void run(String[] args) throws Exception {
        Path a = Path.of(args[0]);
        Path b = Path.of(args[1]);
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 7;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession sa = env.createSession(a.toString(), options);
                    OrtSession sb = env.createSession(b.toString(), options)) {
                long[] shape = ((ai.onnxruntime.TensorInfo) sa.getInputInfo().values().iterator().next().getInfo())
                        .getShape();
                shape[0] = batch;
                int size = 1;
                for (long s : shape) {
                    size *= (int) s;
                }
                float[] pixels = new float[size];
                Random random = new Random(1);
                for (int i = 0; i < size; i++) {
                    pixels[i] = (float) random.nextGaussian();
                }
                double bestA = Double.MAX_VALUE;
                double bestB = Double.MAX_VALUE;
                for (int r = 0; r < rounds; r++) {
                    bestA = Math.min(bestA, time(env, sa, pixels, shape, batch));
                    bestB = Math.min(bestB, time(env, sb, pixels, shape, batch));
                }
                System.out.printf("batch %d, %d threads, best of %d rounds of 5 runs: %s %.3f ms/image, %s %.3f ms/image "
                        + "(ratio %.3f)%n", batch, threads, rounds, a, bestA, b, bestB, bestB / bestA);
            }
        }
    }

    private static double time(OrtEnvironment env, OrtSession session, float[] pixels, long[] shape, int batch)
            throws Exception {
        String input = session.getInputNames().iterator().next();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape)) {
            try (OrtSession.Result warm = session.run(Map.of(input, t), Set.of("embedding", "jacobian"))) {
                // warm-up
            }
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                try (OrtSession.Result r = session.run(Map.of(input, t), Set.of("embedding", "jacobian"))) {
                    r.get("jacobian");
                }
            }
            return (System.nanoTime() - start) / 1e6 / 5 / batch;
        }
    }
}
