import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Export check with the real ONNX Runtime: runs encoder.onnx and scorer.onnx of a model package on
 * its fixture PNGs (one batch) and compares with fixtures/reference.json (the paper's float64
 * listing). JEPA-SCORE = 1/2 log det(J J^T) by a float64 Cholesky (valid while every singular value
 * is above the 1e-6 clip, which the check asserts via the Cholesky pivots).
 *
 * Run: java -cp ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.29.0/onnxruntime-1.29.0.jar \
 *        models/OrtCheck.java models/fmnist-lejepa
 */
public class OrtCheck {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "models/fmnist-lejepa");
        String manifest = Files.readString(dir.resolve("model.json"));
        double scale = number(manifest, "\"scale\":\\s*([-0-9.eE]+)");
        double mean = number(manifest, "\"mean\":\\s*\\[\\s*([-0-9.eE]+)");
        double std = number(manifest, "\"std\":\\s*\\[\\s*([-0-9.eE]+)");
        String ref = Files.readString(dir.resolve("fixtures/reference.json"));
        List<String> files = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        Matcher m = Pattern.compile("\"file\":\\s*\"([^\"]+)\"[\\s\\S]*?\"jepaScore\":\\s*([-0-9.eE]+)").matcher(ref);
        while (m.find()) {
            files.add(m.group(1));
            scores.add(Double.parseDouble(m.group(2)));
        }
        int n = files.size();
        float[] pixels = new float[n * 784];
        for (int i = 0; i < n; i++) {
            BufferedImage img = ImageIO.read(dir.resolve("fixtures").resolve(files.get(i)).toFile());
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++) {
                    int v = img.getRaster().getSample(x, y, 0);
                    pixels[i * 784 + y * 28 + x] = (float) ((v * scale - mean) / std);
                }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession enc = env.createSession(dir.resolve("encoder.onnx").toString(), new OrtSession.SessionOptions());
             OrtSession sc = env.createSession(dir.resolve("scorer.onnx").toString(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[]{n, 1, 28, 28});
             OrtSession.Result re = enc.run(Map.of("pixels", in));
             OrtSession.Result rs = sc.run(Map.of("pixels", in))) {
            float[][] zEnc = (float[][]) re.get("embedding").get().getValue();
            float[][] zSc = (float[][]) rs.get("embedding").get().getValue();
            float[][][] jac = (float[][][]) rs.get("jacobian").get().getValue();
            double maxScore = 0, maxEmb = 0;
            for (int i = 0; i < n; i++) {
                double s = halfLogDetGram(jac[i]);
                maxScore = Math.max(maxScore, Math.abs(s - scores.get(i)));
                for (int k = 0; k < zEnc[i].length; k++) maxEmb = Math.max(maxEmb, Math.abs(zEnc[i][k] - zSc[i][k]));
            }
            System.out.printf("{\"fixtures\": %d, \"maxAbsScoreDiffVsFloat64Listing\": %.3e, "
                    + "\"maxAbsEncoderVsScorerEmbeddingDiff\": %.3e, \"K\": %d}%n", n, maxScore, maxEmb, jac[0].length);
        }
    }

    static double number(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        if (!m.find()) throw new IllegalStateException("not found in model.json: " + regex);
        return Double.parseDouble(m.group(1));
    }

    /** 1/2 log det(J J^T) in float64 by Cholesky; fails if a pivot is below the clip eps^2. */
    static double halfLogDetGram(float[][] j) {
        int k = j.length, d = j[0].length;
        double[][] g = new double[k][k];
        for (int a = 0; a < k; a++)
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int t = 0; t < d; t++) s += (double) j[a][t] * j[b][t];
                g[a][b] = s;
            }
        double logdet = 0;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b <= a; b++) {
                double s = g[a][b];
                for (int t = 0; t < b; t++) s -= g[a][t] * g[b][t];
                if (a == b) {
                    if (s <= 1e-12) throw new IllegalStateException("Gram not positive definite above the clip");
                    g[a][a] = Math.sqrt(s);
                    logdet += Math.log(g[a][a]);
                } else {
                    g[a][b] = s / g[b][b];
                }
            }
        }
        return logdet;  // sum log L_aa = 1/2 log det G
    }
}
