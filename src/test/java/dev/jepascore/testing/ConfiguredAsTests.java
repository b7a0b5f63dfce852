package dev.jepascore.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Runs a packaged-app test ({@code @QuarkusIntegrationTest}) with the {@code test} configuration profile, as its
 * {@code @QuarkusTest} superclass runs: the packaged app otherwise starts in {@code prod} and serves other buckets,
 * another store root and both models. Profiles of tests that own one say the same by returning {@link #PROFILE}.
 */
public class ConfiguredAsTests implements QuarkusTestProfile {

    /** The configuration profile of {@code %test.*} keys in application.properties. */
    public static final String PROFILE = "test";

    @Override
    public String getConfigProfile() {
        return PROFILE;
    }
}
