package dev.jepascore.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts S3Proxy for one test class and points the application at it: {@code jepa.storage.kind=s3} and the standard
 * {@code quarkus.s3.*} connection properties. Creates the {@code uploads} bucket. Result documents live beside the
 * uploads ({@code jepa-scores/<key>@<tag>.json} in {@code uploads}), the layout an operator chooses with a signing key:
 * every document these tests read is signed. The buckets served are {@code uploads}, {@code empty-bucket} and {@code no-such-bucket} (never created). Use with
 * {@code @QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)} so only the classes
 * that need S3 pay for it.
 */
public class S3ProxyResource implements QuarkusTestResourceLifecycleManager {

    public static final String BUCKET = "uploads";
    /** Small so that the oversized-object test does not need a big upload. */
    public static final long MAX_OBJECT_BYTES = 64 * 1024;
    /** The HMAC key documents are signed with (test-only; deployments read theirs from a secret). */
    public static final String SIGNING_KEY = "test-signing-key-0123456789abcdef0123456789";

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
        config.put("jepa.storage.results-signing-key", SIGNING_KEY);
        // no-such-bucket: served but never created, as when a deployment names a bucket that is not there
        config.put("jepa.storage.buckets", BUCKET + ",empty-bucket,no-such-bucket");
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
