package dev.jepascore.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
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
}
