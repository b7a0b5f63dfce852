package dev.jepascore.report;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import dev.jepascore.testing.S3ProxyResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The function's credentials are refused by the S3 server: the report says it may not list, with 403. */
@QuarkusTest
@QuarkusTestResource(value = S3ProxyResource.WrongCredentials.class, restrictToAnnotatedClass = true)
class S3ReportAccessDeniedTest {

    @Test
    void report_without_permission_to_list_is_403_naming_the_credentials() {
        given().when().get("/v1/report?bucket=" + S3ProxyResource.BUCKET + "&prefix=shop/").then().statusCode(403)
                .body("error.code", equalTo("access_denied"))
                .body("error.message", containsString("credentials may not list 'shop/*' in bucket 'uploads'"));
    }
}
