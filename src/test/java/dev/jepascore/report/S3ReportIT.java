package dev.jepascore.report;

import org.junit.jupiter.api.Tag;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** S3ReportTest against the packaged function (the report over stored results); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
class S3ReportIT extends S3ReportTest {
}
