package dev.jepascore.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts an {@link HttpSink} for one test class and exposes its URL as {@code jepa.test.sink.url}, so that the class's
 * profile can name it ({@code ${jepa.test.sink.url}}) in its action settings.
 */
public class HttpSinkResource implements QuarkusTestResourceLifecycleManager {

    private HttpSink sink;

    @Override
    public Map<String, String> start() {
        sink = HttpSink.start();
        return Map.of("jepa.test.sink.url", HttpSink.url().toString());
    }

    @Override
    public void stop() {
        if (sink != null) {
            sink.stop();
        }
    }
}
