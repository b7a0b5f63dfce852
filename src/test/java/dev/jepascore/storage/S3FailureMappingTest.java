package dev.jepascore.storage;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import dev.jepascore.JepaException.Kind;

/** Which S3 failures are worth a redelivery: transient ones only. */
class S3FailureMappingTest {

    private static S3Exception s3(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
                .message(code).build();
    }

    private static StorageException map(SdkException e) {
        return S3ObjectStore.map(e, "read", "bucket", "key.png");
    }

    @Test
    void server_errors_throttling_timeouts_and_refused_connections_are_unavailable() {
        assertEquals(Kind.UNAVAILABLE, map(s3(500, "InternalError")).kind());
        assertEquals(Kind.UNAVAILABLE, map(s3(503, "SlowDown")).kind());
        assertEquals(Kind.UNAVAILABLE, map(s3(429, "TooManyRequests")).kind());
        assertEquals(Kind.UNAVAILABLE, map(s3(400, "ThrottlingException")).kind());
        assertEquals(Kind.UNAVAILABLE, map(ApiCallTimeoutException.create(2000)).kind());
        assertEquals(Kind.UNAVAILABLE, map(SdkClientException.create("Connection refused")).kind());
    }

    @Test
    void missing_objects_and_buckets_are_not_found() {
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, map(s3(404, "NoSuchKey")).code());
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, map(s3(404, null)).code()); // HEAD answers 404 without a body
        assertEquals(ErrorCode.BUCKET_NOT_FOUND, map(s3(404, "NoSuchBucket")).code());
    }

    @Test
    void access_denied_is_forbidden() {
        StorageException e = map(s3(403, "AccessDenied"));
        assertEquals(Kind.FORBIDDEN, e.kind());
        assertEquals(ErrorCode.ACCESS_DENIED, e.code());
    }

    @Test
    void not_implemented_and_other_client_errors_are_not_retried() {
        // S3Proxy answers 501 for tagging and notifications: retrying cannot help
        assertEquals(Kind.INTERNAL, map(s3(501, "NotImplemented")).kind());
        assertEquals(Kind.INTERNAL, map(s3(400, "InvalidArgument")).kind());
    }

    @Test
    void a_connection_dropped_inside_the_http_client_is_unavailable_on_every_call() {
        // the URL-connection client throws "Unexpected end of file from server" unwrapped, as an UncheckedIOException
        S3Client dropping = (S3Client) java.lang.reflect.Proxy.newProxyInstance(S3Client.class.getClassLoader(),
                new Class<?>[] { S3Client.class }, (proxy, method, args) -> {
                    throw new java.io.UncheckedIOException(new java.net.SocketException("Unexpected end of file from server"));
                });
        S3ObjectStore store = new S3ObjectStore(dropping, java.time.Duration.ofSeconds(1));
        java.util.List<org.junit.jupiter.api.function.Executable> calls = java.util.List.of(
                () -> store.put("b", "k", new byte[1], "application/json"), () -> store.get("b", "k", 10),
                () -> store.head("b", "k"), () -> store.exists("b", "k"), () -> store.list("b", "", null, 10));
        for (org.junit.jupiter.api.function.Executable call : calls) {
            StorageException e = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class, call);
            assertEquals(ErrorCode.STORAGE_UNAVAILABLE, e.code());
            assertEquals(Kind.UNAVAILABLE, e.kind());
        }
    }
}
