package dev.jepascore.score;

import java.util.Map;

/** TEMPORARY stand-in for the lead's type on main; deleted before merging main. */
public record ScoreResult(double jepaScore, double percentile, String label, Map<String, String> model,
        String mode, String provider, double embeddingNorm, Map<String, Double> timingsMs) {
}
