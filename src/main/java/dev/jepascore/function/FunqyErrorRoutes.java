package dev.jepascore.function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Funqy over HTTP answers a failing function with a bare 500 and an unreadable body with a bare 400. This failure
 * handler, on the storage-event function's route only, gives both the JSON error body and the status of the
 * exception's {@link dev.jepascore.JepaException.Kind}.
 */
@ApplicationScoped
public class FunqyErrorRoutes {

    static final String FUNCTION_PATH = "/onObjectCreated";

    @Inject
    ObjectMapper json;

    void install(@Observes Router router) {
        router.route(FUNCTION_PATH).failureHandler(this::answer);
    }

    private void answer(RoutingContext context) {
        if (context.response().ended()) {
            return;
        }
        EventErrors.Answer answer;
        if (context.failure() == null) {
            int status = context.statusCode() < 0 ? 500 : context.statusCode();
            answer = status == 400
                    ? EventErrors.answer(400, "malformed_event", "The event body is not valid JSON")
                    : EventErrors.answer(status, "http_" + status, "The request failed with HTTP " + status);
        } else {
            answer = EventErrors.of(context.failure());
        }
        try {
            context.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
                    .end(json.writeValueAsString(answer.body()));
        } catch (JsonProcessingException e) {
            context.response().setStatusCode(500).end();
        }
    }
}
