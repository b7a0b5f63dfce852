package dev.jepascore.result;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.event.ObjectRef;

/**
 * Whether a stored result document may be believed: it names the object version it was found for and, when
 * {@code jepa.storage.results-signing-key} is set, carries a valid HMAC-SHA256 {@value #FIELD} over its other
 * fields. A document an uploader wrote (a {@code typical} label under the right key), or one copied from another
 * object's key, fails one of the two and is never trusted.
 * <p>
 * The signed bytes are the document's compact JSON as parsed back from its own serialisation, so a document read
 * from storage (pretty-printed, numbers as written) yields the same bytes again once its {@value #FIELD} is removed.
 */
public final class ResultSeal {

    /** The document field holding {@code hmac-sha256:<64 hex digits>}. */
    public static final String FIELD = "signature";
    static final String SCHEME = "hmac-sha256:";
    /** 32 characters: at least the 256 bits of SHA-256's output when drawn from hex or base64 (RFC 2104's advice). */
    static final int MIN_KEY_LENGTH = 32;

    private final ObjectMapper json;
    private final SecretKeySpec key;

    public ResultSeal(ObjectMapper json, Optional<String> key) {
        this.json = json;
        if (key.isPresent() && key.get().strip().length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException("jepa.storage.results-signing-key must have at least " + MIN_KEY_LENGTH
                    + " characters, found " + key.get().strip().length());
        }
        this.key = key.map(k -> new SecretKeySpec(k.strip().getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                .orElse(null);
    }

    public boolean signs() {
        return key != null;
    }

    /** The document as it is to be stored: unchanged without a key, else in its canonical form with its signature. */
    public ObjectNode sign(ObjectNode document) {
        if (key == null) {
            return document;
        }
        ObjectNode canonical = canonical(document);
        canonical.remove(FIELD);
        String mac = mac(canonical);
        canonical.put(FIELD, SCHEME + mac);
        return canonical;
    }

    /**
     * Why {@code document}, found where {@code ref}'s document belongs, is not to be trusted, or {@code null} when it
     * is: it must name the same bucket, key and version tag, and verify when documents are signed.
     */
    public String whyUntrusted(ObjectRef ref, JsonNode document) {
        JsonNode object = document.path("object");
        if (!ref.bucket().equals(object.path("bucket").asText(null)) || !ref.key().equals(object.path("key").asText(null))
                || !Objects.equals(ref.versionTag(), object.path("versionTag").asText(null))) {
            return "it names another object version (" + object.path("bucket").asText("?") + "/"
                    + object.path("key").asText("?") + "@" + object.path("versionTag").asText("?") + ")";
        }
        return whyUnsigned(document);
    }

    /** Why the document's signature does not verify, or {@code null} when it does (or nothing is signed). */
    public String whyUnsigned(JsonNode document) {
        if (key == null) {
            return null;
        }
        if (!(document instanceof ObjectNode) || !document.path(FIELD).isTextual()) {
            return "it carries no signature";
        }
        String given = document.path(FIELD).asText();
        ObjectNode rest = ((ObjectNode) document).deepCopy();
        rest.remove(FIELD);
        String expected = SCHEME + mac(rest);
        boolean same = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.UTF_8));
        return same ? null : "its signature does not verify with jepa.storage.results-signing-key";
    }

    private ObjectNode canonical(ObjectNode document) {
        try {
            return (ObjectNode) json.readTree(json.writeValueAsBytes(document));
        } catch (IOException e) {
            throw new IllegalStateException("A result document did not survive its own serialisation: " + e.getMessage(), e);
        }
    }

    private String mac(ObjectNode withoutSignature) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(json.writeValueAsBytes(withoutSignature)));
        } catch (NoSuchAlgorithmException | InvalidKeyException | IOException e) {
            throw new IllegalStateException("Cannot sign a result document with HmacSHA256: " + e.getMessage(), e);
        }
    }
}
