package dev.jepascore.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts S3Proxy for one test class and points the application at it: {@code jepa.storage.kind=s3} and the standard
 * {@code quarkus.s3.*} connection properties. Creates the {@code uploads} bucket. Use with
 * {@code @QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)} so only the classes
 * that need S3 pay for it.
 */
public class S3ProxyResource implements QuarkusTestResourceLifecycleManager {

    public static final String BUCKET = "uploads";
    /** Small so that the oversized-object test does not need a big upload. */
    public static final long MAX_OBJECT_BYTES = 64 * 1024;

    private S3ProxyServer server;

    @Override
    public Map<String, String> start() {
        server = S3ProxyServer.startNew();
        try (var s3 = TestS3.client(server)) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }
        Map<String, String> config = new HashMap<>();
        config.put("jepa.storage.kind", "s3");
        config.put("jepa.storage.max-object-bytes", Long.toString(MAX_OBJECT_BYTES));
        config.put("jepa.storage.retry.max-attempts", "2");
        config.put("jepa.storage.retry.initial-backoff", "50ms");
        config.put("quarkus.s3.endpoint-override", server.endpoint().toString());
        config.put("quarkus.s3.path-style-access", "true");
        config.put("quarkus.s3.aws.region", "us-east-1");
        config.put("quarkus.s3.aws.credentials.type", "static");
        config.put("quarkus.s3.aws.credentials.static-provider.access-key-id", accessKey());
        config.put("quarkus.s3.aws.credentials.static-provider.secret-access-key", S3ProxyServer.SECRET_KEY);
        return config;
    }

    /** The access key the application signs with. */
    protected String accessKey() {
        return S3ProxyServer.ACCESS_KEY;
    }

    /** The application signs with a key S3Proxy does not know: every request is denied (403). */
    public static class WrongCredentials extends S3ProxyResource {
        @Override
        protected String accessKey() {
            return "not-" + S3ProxyServer.ACCESS_KEY;
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }
}
