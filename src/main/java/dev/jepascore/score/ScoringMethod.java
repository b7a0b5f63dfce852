package dev.jepascore.score;

/**
 * One way of turning a model run into a raw score per image: the exact Jacobian's JEPA-SCORE,
 * embedding-space distances, a finite-difference sketch. The service keeps the path
 * decode -> run -> methods -> calibration -> result; a new signal is a new small class behind this
 * seam, not a branch in the service.
 */
public interface ScoringMethod {

    /** Short name, as it appears in results and timings ({@code jepa}, {@code knn}, ...). */
    String name();

    /**
     * Raw scores of every image of the run, in batch order. Implementations may work on the images
     * in parallel; they must not keep references to the run.
     */
    double[] scores(ModelRun run);
}
