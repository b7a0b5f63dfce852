package dev.jepascore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The documented error table (docs/errors.md) and the catalogue the code answers with are the same list. */
class ErrorCatalogueTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9_]+)` \\| ([0-9]{3})[^|]* \\| (final)? *\\|");

    @Test
    void documented_error_table_lists_every_catalogued_code_with_its_status_and_finality() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/errors.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                documented.put(m.group(1), m.group(2) + (m.group(3) == null ? "" : " final"));
            }
        }
        Map<String, String> catalogued = Arrays.stream(ErrorCode.values()).collect(Collectors.toMap(ErrorCode::code,
                c -> c.httpStatus() + (c.permanent() ? " final" : ""), (a, b) -> a, LinkedHashMap::new));
        assertEquals(catalogued, documented, "docs/errors.md and dev.jepascore.ErrorCode differ");
    }

    @Test
    void codes_are_found_by_the_string_clients_and_stored_documents_carry() {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(code, ErrorCode.of(code.code()).orElseThrow());
            assertTrue(code.code().matches("[a-z]+(_[a-z0-9]+)*"), code.code());
        }
        assertTrue(ErrorCode.of("image_truncated").isEmpty(), "an unknown code is no catalogued one");
        assertTrue(ErrorCode.of(null).isEmpty());
    }

    @Test
    void only_facts_about_an_objects_bytes_are_final() {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.permanent()) {
                assertTrue(code.kind().clientError(), code + " is final but not the client's");
            }
        }
        assertTrue(ErrorCode.IMAGE_CORRUPT.permanent());
        assertTrue(!ErrorCode.ACCESS_DENIED.permanent(), "access can be granted later");
        assertTrue(!ErrorCode.OBJECT_NOT_FOUND.permanent(), "an object may become visible later");
    }
}
