package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jepascore.result.Label;

class VerdictTest {

    private static final List<String> NAMES = List.of("jepa", "knn", "mahalanobis", "complexity");

    @Test
    void fisher_statistic_is_minus_twice_the_summed_log_tails() {
        assertEquals(2 * (Math.log(2) + Math.log(10)), Verdict.fisher(new double[] { 0.5, 0.1 }), 1e-12);
        assertEquals(0.0, Verdict.fisher(new double[] { 1, 1, 1, 1 }), 0);
    }

    @Test
    void fisher_rejects_a_zero_tail() {
        assertThrows(IllegalArgumentException.class, () -> Verdict.fisher(new double[] { 0.5, 0 }));
    }

    @Test
    void label_cuts_the_outlier_score_at_both_thresholds() {
        assertEquals(Label.TYPICAL, Verdict.label(17.0, 17.2, 22.5));
        assertEquals(Label.UNUSUAL, Verdict.label(17.3, 17.2, 22.5));
        assertEquals(Label.OUTLIER, Verdict.label(22.6, 17.2, 22.5));
    }

    @Test
    void typical_images_have_no_reasons() {
        assertEquals(List.of(), Verdict.reasons(NAMES, new double[] { 0.01, 0.01, 0.5, 0.5 }, 0.05, Label.TYPICAL));
    }

    @Test
    void reasons_are_the_signals_in_their_own_tail() {
        assertEquals(List.of("knn", "complexity"),
                Verdict.reasons(NAMES, new double[] { 0.3, 0.01, 0.2, 0.05 }, 0.05, Label.UNUSUAL));
    }

    @Test
    void flag_by_several_moderate_tails_names_the_smallest() {
        assertEquals(List.of("mahalanobis"),
                Verdict.reasons(NAMES, new double[] { 0.08, 0.07, 0.06, 0.09 }, 0.05, Label.UNUSUAL));
    }

    @Test
    void bonferroni_multiplies_the_smallest_tail_by_the_signal_count_and_caps_at_one() {
        assertEquals(0.03, Verdict.bonferroni(new double[] { 0.2, 0.01, 0.5 }), 1e-15);
        assertEquals(1.0, Verdict.bonferroni(new double[] { 0.6, 0.9, 0.5 }), 0);
        assertThrows(IllegalArgumentException.class, () -> Verdict.bonferroni(new double[] { 0.2, 0 }));
        assertThrows(IllegalArgumentException.class, () -> Verdict.bonferroni(new double[0]));
    }

    @Test
    void signals_mode_labels_at_the_rates_the_combined_thresholds_flag() {
        assertEquals(Label.OUTLIER, Verdict.labelOfTail(0.01));
        assertEquals(Label.UNUSUAL, Verdict.labelOfTail(0.0100001));
        assertEquals(Label.UNUSUAL, Verdict.labelOfTail(0.05));
        assertEquals(Label.TYPICAL, Verdict.labelOfTail(0.0500001));
    }
}
