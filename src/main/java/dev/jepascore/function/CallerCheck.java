package dev.jepascore.function;

import dev.jepascore.ErrorBody;
import dev.jepascore.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The application's own caller check ({@link SecurityConfig}): a route handler ahead of every function and resource,
 * so a refused caller is answered before its body is read or any storage is touched. Health probes
 * ({@code /q/health*}) stay open. API keys are compared in constant time; other tokens go to SmallRye JWT's
 * {@link JWTParser} on a worker thread (fetching the signing keys may block).
 */
@ApplicationScoped
public class CallerCheck {

    private static final Logger LOG = Logger.getLogger(CallerCheck.class);
    /** Before Funqy's and RESTEasy's routes and the body handler. */
    static final int ORDER = -1000;
    /** An API key shorter than this could be guessed; 32 characters is 128 bits or more from any base-16+ alphabet. */
    static final int MIN_KEY_LENGTH = 32;
    private static final String BEARER = "Bearer ";

    private final List<byte[]> apiKeys;
    private final boolean jwt;
    private final List<String> emails;
    private final Instance<JWTParser> parser;
    private final ObjectMapper json;

    public CallerCheck(SecurityConfig config, Instance<JWTParser> parser, ObjectMapper json) {
        this.apiKeys = config.apiKeys().orElse(List.of()).stream().map(String::strip).filter(k -> !k.isEmpty())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        for (byte[] key : apiKeys) {
            if (key.length < MIN_KEY_LENGTH) {
                throw new IllegalArgumentException("jepa.security.api-keys: every key needs at least " + MIN_KEY_LENGTH
                        + " characters; one has " + key.length);
            }
        }
        this.jwt = config.jwt().enabled();
        this.emails = config.jwt().emails().orElse(List.of());
        this.parser = parser;
        this.json = json;
    }

    /** Whether callers are checked at all. */
    public boolean enabled() {
        return !apiKeys.isEmpty() || jwt;
    }

    void install(@Observes Router router) {
        if (enabled()) {
            router.route().order(ORDER).handler(this::check);
            LOG.infof("Callers must present a bearer token: %d API key(s)%s", apiKeys.size(),
                    jwt ? ", or a JWT that verifies" + (emails.isEmpty() ? "" : " from " + emails) : "");
        }
    }

    private void check(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (path.equals("/q/health") || path.startsWith("/q/health/")) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || header.substring(BEARER.length()).isBlank()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            refuse(ctx, ErrorCode.UNAUTHENTICATED, "this function needs 'Authorization: Bearer <API key or token>'");
            return;
        }
        String token = header.substring(BEARER.length()).strip();
        if (isApiKey(token)) {
            ctx.next();
            return;
        }
        if (!jwt || !token.contains(".")) {
            refuse(ctx, ErrorCode.CALLER_NOT_ALLOWED, "the bearer token is not one of this function's API keys");
            return;
        }
        ctx.request().pause();
        ctx.vertx().<String>executeBlocking(() -> whyRefused(token), false).onComplete(result -> {
            ctx.request().resume();
            if (result.succeeded() && result.result() == null) {
                ctx.next();
            } else {
                refuse(ctx, ErrorCode.CALLER_NOT_ALLOWED, result.succeeded() ? result.result() : "the token could not be checked");
            }
        });
    }

    private boolean isApiKey(String token) {
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (byte[] key : apiKeys) {
            found |= MessageDigest.isEqual(key, given);
        }
        return found;
    }

    /** Why a signed token is refused, or {@code null} when it verifies (and names an allowed caller). */
    private String whyRefused(String token) {
        try {
            var claims = parser.get().parse(token);
            if (!emails.isEmpty()) {
                Object email = claims.getClaim("email");
                if (email == null || !emails.contains(email.toString())) {
                    return "the token's caller is not among jepa.security.jwt.emails";
                }
            }
            return null;
        } catch (ParseException e) {
            LOG.debugf("refused a token: %s", e.getMessage());
            return "the token does not verify (signature, issuer, audience or expiry)";
        }
    }

    private void refuse(RoutingContext ctx, ErrorCode code, String message) {
        int status = code.httpStatus();
        LOG.debugf("HTTP %d %s on %s", status, code, ctx.request().path());
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(json.writeValueAsString(ErrorBody.of(code, message)));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(status).end();
        }
    }
}
