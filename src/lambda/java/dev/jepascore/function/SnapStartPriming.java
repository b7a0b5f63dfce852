package dev.jepascore.function;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.jboss.logging.Logger;

import dev.jepascore.image.InputSpec;
import dev.jepascore.model.ServedModels;
import dev.jepascore.result.ScoreResult;
import dev.jepascore.score.ScoringService;
import dev.jepascore.startup.StartupWork;
import io.quarkus.runtime.StartupEvent;

/**
 * SnapStart priming: before Lambda takes the snapshot, score a generated image through the whole path (decode,
 * preprocess, scorer, Gram, eigenvalues, calibration), so restored instances start with the model loaded and that
 * code compiled. Touches no storage: a snapshot must not carry a half-written result.
 */
@ApplicationScoped
public class SnapStartPriming implements Resource {

    private static final Logger LOG = Logger.getLogger(SnapStartPriming.class);
    /** Scoring runs before the checkpoint: a few, so the JIT compiles the hot loops. */
    static final int PRIMING_RUNS = 3;

    private final ScoringService scoring;
    private final ServedModels models;
    private final StartupWork startup;

    public SnapStartPriming(ScoringService scoring, ServedModels models, StartupWork startup) {
        this.scoring = scoring;
        this.models = models;
        this.startup = startup;
    }

    void register(@Observes StartupEvent started) {
        // org.crac holds resources weakly; the application-scoped bean keeps this one alive.
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        LOG.debug("restored from a SnapStart snapshot");
    }

    /** Scores the priming image {@link #PRIMING_RUNS} times with every served model; returns the default's last result. */
    ScoreResult prime() {
        startup.awaitReady(); // the models load off the main thread
        ScoreResult result = null;
        for (String id : scoring.ids()) {
            long start = System.nanoTime();
            InputSpec spec = models.get(id).inputSpec();
            byte[] image = primingImage(spec);
            for (int i = 0; i < PRIMING_RUNS; i++) {
                ScoreResult r = scoring.score(image, id, null); // null: the model's default mode
                if (id.equals(models.defaultId())) {
                    result = r;
                }
            }
            LOG.infof("SnapStart priming: %s scored a %dx%d PNG %d times in %d ms", id, spec.width(), spec.height(),
                    PRIMING_RUNS, (System.nanoTime() - start) / 1_000_000);
        }
        return result;
    }

    /** A PNG of the model's input size with a soft bright blob, so the path sees a non-constant image. */
    static byte[] primingImage(InputSpec spec) {
        BufferedImage image = new BufferedImage(spec.width(), spec.height(), BufferedImage.TYPE_BYTE_GRAY);
        double cx = spec.width() / 2.0;
        double cy = spec.height() / 2.0;
        double width = Math.max(1.0, spec.width() * spec.height() / 20.0);
        for (int y = 0; y < spec.height(); y++) {
            for (int x = 0; x < spec.width(); x++) {
                double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                image.getRaster().setSample(x, y, 0, (int) Math.round(200 * Math.exp(-d2 / width)));
            }
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("the priming image could not be encoded as PNG", e);
        }
    }
}
