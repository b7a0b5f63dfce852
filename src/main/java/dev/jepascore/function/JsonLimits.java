package dev.jepascore.function;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Lets JSON strings be as long as a base64 image may be: Jackson refuses strings over 20 000 000 characters by
 * default, which cut base64 images off at about 15 MB, below the documented 20 MiB ({@code jepa.image.max-bytes}).
 * The mapper is built before runtime configuration is readable, so the limit is a constant; what a string can
 * really hold is bounded by {@code quarkus.http.limits.max-body-size} (28M) before JSON is parsed at all.
 */
@Singleton
public class JsonLimits implements ObjectMapperCustomizer {

    /** 96 Mi characters: the base64 of a 72 MiB image, well above any body the HTTP layer accepts. */
    static final int MAX_STRING_LENGTH = 96 * 1024 * 1024;

    @Override
    public void customize(ObjectMapper mapper) {
        StreamReadConstraints current = mapper.getFactory().streamReadConstraints();
        mapper.getFactory().setStreamReadConstraints(current.rebuild()
                .maxStringLength(Math.max(current.getMaxStringLength(), MAX_STRING_LENGTH)).build());
    }
}
