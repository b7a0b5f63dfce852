package dev.jepascore.report;

import org.junit.jupiter.api.Tag;

import dev.jepascore.testing.ConfiguredAsTests;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** S3ReportTest against the packaged function (the report over stored results); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
@TestProfile(ConfiguredAsTests.class)
class S3ReportIT extends S3ReportTest {
}
