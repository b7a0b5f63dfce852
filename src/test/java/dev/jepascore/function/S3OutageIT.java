package dev.jepascore.function;

import dev.jepascore.testing.S3ProxyResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The storage-outage test against the packaged application (JVM jar or native binary). */
@QuarkusIntegrationTest
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3OutageIT extends S3OutageTest {
}
