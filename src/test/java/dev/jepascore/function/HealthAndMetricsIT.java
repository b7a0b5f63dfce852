package dev.jepascore.function;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Readiness and metrics of the packaged application. */
@QuarkusIntegrationTest
class HealthAndMetricsIT extends HealthAndMetricsTest {
}
