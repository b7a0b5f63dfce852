package dev.jepascore.function;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may call the function, for platforms that give no caller check of their own (see docs/security.md). Both
 * checks are off by default: the deploy/ files keep the function private instead (Knative cluster-local, Cloud Run
 * without unauthenticated access, Lambda without a public URL). With either on, every request but the health probes
 * needs {@code Authorization: Bearer <token>}: none is 401 {@code unauthenticated}, a wrong one 403
 * {@code caller_not_allowed}.
 */
@ConfigMapping(prefix = "jepa.security")
public interface SecurityConfig {

    /**
     * API keys accepted as bearer tokens, comma-separated, each at least 32 characters; read them from a secret
     * (environment variable {@code JEPA_SECURITY_API_KEYS}), never from a committed file.
     */
    Optional<List<String>> apiKeys();

    /** Signed tokens (JWT), verified by SmallRye JWT with the standard {@code mp.jwt.verify.*} settings. */
    Jwt jwt();

    interface Jwt {
        /**
         * Accept bearer tokens that verify against {@code mp.jwt.verify.publickey.location} (for Google: the JWKS at
         * {@code https://www.googleapis.com/oauth2/v3/certs}), issuer {@code mp.jwt.verify.issuer} and audience
         * {@code mp.jwt.verify.audiences} (the service URL).
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * The callers whose verified tokens are accepted, by their {@code email} claim (the push or Eventarc service
         * account), comma-separated. Unset: any token that verifies.
         */
        Optional<List<String>> emails();
    }
}
