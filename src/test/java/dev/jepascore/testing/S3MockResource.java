package dev.jepascore.testing;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts {@link S3MockServer} (an S3 server with object tagging) for one test class, with the buckets {@link #BUCKETS},
 * and points the application at it ({@code jepa.storage.kind=s3}, {@code quarkus.s3.*}). Tests reach it through
 * {@link #client()}.
 */
public class S3MockResource implements QuarkusTestResourceLifecycleManager {

    /** {@code uploads} (scored), {@code held} (quarantine), {@code nohold-src} (whose quarantine bucket is missing). */
    public static final List<String> BUCKETS = List.of("uploads", "held", "nohold-src");
    private static final String ENDPOINT = "jepa.test.s3mock.endpoint";

    private S3MockServer server;

    @Override
    public Map<String, String> start() {
        server = S3MockServer.start(BUCKETS);
        System.setProperty(ENDPOINT, server.endpoint().toString());
        Map<String, String> config = new HashMap<>();
        config.put("jepa.storage.kind", "s3");
        // documents beside the uploads, signed (the layout S3ProxyResource uses); the buckets the action tests name
        config.put("jepa.storage.results-signing-key", S3ProxyResource.SIGNING_KEY);
        config.put("jepa.storage.buckets", "uploads,nohold-src");
        config.put("jepa.storage.retry.max-attempts", "2");
        config.put("jepa.storage.retry.initial-backoff", "50ms");
        config.put("quarkus.s3.endpoint-override", server.endpoint().toString());
        config.put("quarkus.s3.path-style-access", "true");
        config.put("quarkus.s3.aws.region", "us-east-1");
        config.put("quarkus.s3.aws.credentials.type", "static");
        config.put("quarkus.s3.aws.credentials.static-provider.access-key-id", "jepa-test");
        config.put("quarkus.s3.aws.credentials.static-provider.secret-access-key", "jepa-test");
        return config;
    }

    /** A plain SDK client for the tests' own uploads and checks. */
    public static S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(System.getProperty(ENDPOINT))).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("jepa-test", "jepa-test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }
}
