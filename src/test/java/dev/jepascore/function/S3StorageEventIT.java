package dev.jepascore.function;

import dev.jepascore.testing.S3ProxyResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same end-to-end storage tests against the packaged application (JVM jar or native binary). */
@QuarkusIntegrationTest
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3StorageEventIT extends S3StorageEventTest {
}
