package dev.jepascore.function;

import java.io.IOException;
import java.io.InputStream;

/** Raw request bodies for the JAX-RS resources. */
final class RequestBodies {

    private RequestBodies() {
    }

    /**
     * The whole body. Funqy's HTTP binding makes the router buffer every body before RESTEasy sees it;
     * with {@code Content-Length: 0} the stream would then wait forever for bytes that never come, so
     * an announced empty body is returned empty without reading.
     */
    static byte[] read(InputStream body, Long contentLength) throws IOException {
        return contentLength != null && contentLength == 0 ? new byte[0] : body.readAllBytes();
    }
}
