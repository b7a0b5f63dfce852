package dev.jepascore.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** A plain SDK client for the tests' own uploads and checks, independent of the application's client. */
public final class TestS3 {

    private TestS3() {
    }

    public static S3Client client(S3ProxyServer server) {
        return client(server, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
    }

    public static S3Client client(S3ProxyServer server, String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Attempts {@link #upload} makes before it gives up. */
    static final int UPLOAD_ATTEMPTS = 6;

    /**
     * Uploads a test object, sending it again when the connection fails: S3Proxy drops some uploads while the JDK's
     * URL-connection client writes the body ("Error writing request body to server"), measured at 60-158 of 1500
     * back-to-back uploads with or without keep-alive and with or without {@code Expect: 100-continue}. The
     * application retries that as {@code storage_unavailable}; tests' own uploads (the application turns the SDK's
     * retries off for the whole JVM with {@code aws.maxAttempts=1}) retry here.
     */
    public static void upload(S3Client s3, String bucket, String key, byte[] bytes, String contentType) {
        for (int attempt = 1;; attempt++) {
            try {
                s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
                return;
            } catch (SdkClientException | java.io.UncheckedIOException e) {
                if (attempt == UPLOAD_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
