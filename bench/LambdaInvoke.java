import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler;

/**
 * Invokes the Lambda build's handler the way Lambda's Java runtime does (the SAM template's Handler,
 * QuarkusStreamHandler::handleRequest, with the event as a stream), once, in a fresh JVM, and prints the response
 * on one line starting with "LAMBDA-RESPONSE ". Used by ColdStartBenchmark; compiled by it against the runner jar.
 * Stays alive afterwards until its standard input closes, so the caller can read its peak memory.
 */
public final class LambdaInvoke {

    public static void main(String[] args) throws Exception {
        byte[] event = Files.readAllBytes(Path.of(args[0]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new QuarkusStreamHandler().handleRequest(new ByteArrayInputStream(event), out, new Invocation());
        System.out.println("LAMBDA-RESPONSE " + out.toString(StandardCharsets.UTF_8));
        System.out.flush();
        System.in.read();
        System.exit(0);
    }

    private static final class Invocation implements Context {
        public String getAwsRequestId() { return "cold-start-1"; }
        public String getLogGroupName() { return "/aws/lambda/jepa-score"; }
        public String getLogStreamName() { return "cold-start"; }
        public String getFunctionName() { return "jepa-score"; }
        public String getFunctionVersion() { return "$LATEST"; }
        public String getInvokedFunctionArn() { return "arn:aws:lambda:eu-west-1:000000000000:function:jepa-score"; }
        public CognitoIdentity getIdentity() { return null; }
        public ClientContext getClientContext() { return null; }
        public int getRemainingTimeInMillis() { return 60_000; }
        public int getMemoryLimitInMB() { return 1769; }
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                public void log(String message) { System.out.println(message); }
                public void log(byte[] message) { System.out.println(new String(message, StandardCharsets.UTF_8)); }
            };
        }
    }
}
