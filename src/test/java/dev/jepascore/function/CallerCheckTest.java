package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.png;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;

/**
 * Issue 17, finding 1 (no endpoint checked who calls): with API keys and signed tokens configured, every request but
 * the health probes needs a bearer token; none is 401, a wrong one 403, and a refused event reads nothing.
 */
@QuarkusTest
@TestProfile(CallerCheckTest.Keys.class)
class CallerCheckTest {

    static final String API_KEY = "test-api-key-0123456789abcdef0123456789abcdef";
    static final String ISSUER = "https://accounts.example.test";
    static final String AUDIENCE = "https://jepa-score.example.test";
    static final String TRIGGER = "eventarc-trigger@project.iam.example.test";
    static final Path UPLOADS = Path.of("target/test-data/uploads");

    public static final class Keys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.security.api-keys", API_KEY + ",second-key-0123456789abcdef0123456789abcdef",
                    "jepa.security.jwt.enabled", "true",
                    "jepa.security.jwt.emails", TRIGGER,
                    "mp.jwt.verify.publickey.location", "security/jwt-public.pem",
                    "mp.jwt.verify.issuer", ISSUER,
                    "mp.jwt.verify.audiences", AUDIENCE);
        }
    }

    private static String token(String signingKey, String email, Instant expires) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("1234567890").claim("email", email)
                .issuedAt(expires.minusSeconds(3600)).expiresAt(expires).jws().sign(signingKey);
    }

    private static String trigger() {
        return token("security/jwt-private.pem", TRIGGER, Instant.now().plusSeconds(600));
    }

    private static RequestSpecification event(byte[] body) {
        return given().contentType("application/json").body(body);
    }

    private static byte[] upload(String key, int seed) throws IOException {
        byte[] image = png(seed);
        Files.createDirectories(UPLOADS.resolve(key).getParent());
        Files.write(UPLOADS.resolve(key), image);
        return s3Event("uploads", key, md5(image), image.length);
    }

    @Test
    void anonymous_event_is_401_and_reads_nothing() throws IOException {
        byte[] event = upload("callers/anonymous.png", 51);
        event(event).when().post("/onObjectCreated").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer").body("error.code", equalTo("unauthenticated"));
        event(event).when().post("/v1/events").then().statusCode(401);
        given().when().get("/v1/report").then().statusCode(401);
        given().contentType("image/png").body(png(1)).when().post("/v1/score").then().statusCode(401);
        given().when().get("/q/metrics").then().statusCode(401);
        assertFalse(Files.exists(Path.of("target/test-data/jepa-results/jepa-scores/uploads/callers/anonymous.png@"
                + md5(png(51)) + ".json")), "a refused caller's event must not be scored");
    }

    @Test
    void wrong_api_key_is_403() throws IOException {
        event(upload("callers/wrong.png", 52)).header("Authorization", "Bearer not-" + API_KEY).when()
                .post("/onObjectCreated").then().statusCode(403).body("error.code", equalTo("caller_not_allowed"));
    }

    @Test
    void configured_api_key_is_served() throws IOException {
        event(upload("callers/key.png", 53)).header("Authorization", "Bearer " + API_KEY).when()
                .post("/onObjectCreated").then().statusCode(200).body("objects[0].outcome", equalTo("scored"));
    }

    @Test
    void token_signed_for_the_trigger_is_served() throws IOException {
        event(upload("callers/jwt.png", 54)).header("Authorization", "Bearer " + trigger()).when()
                .post("/onObjectCreated").then().statusCode(200).body("objects[0].outcome", equalTo("scored"));
    }

    @Test
    void token_signed_by_another_key_expired_or_of_another_caller_is_403() throws IOException {
        byte[] event = upload("callers/forged.png", 55);
        for (String token : new String[] {
                token("security/other-private.pem", TRIGGER, Instant.now().plusSeconds(600)),
                token("security/jwt-private.pem", TRIGGER, Instant.now().minusSeconds(600)),
                token("security/jwt-private.pem", "someone@example.test", Instant.now().plusSeconds(600)) }) {
            event(event).header("Authorization", "Bearer " + token).when().post("/onObjectCreated").then()
                    .statusCode(403).body("error.code", equalTo("caller_not_allowed"));
        }
    }

    @Test
    void health_probes_stay_open() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(not(equalTo(401)));
    }
}
