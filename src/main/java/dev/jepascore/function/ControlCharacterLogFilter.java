package dev.jepascore.function;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;

import dev.jepascore.event.LogText;
import io.quarkus.logging.LoggingFilter;

/**
 * Escapes control characters in every log record's message and string parameters before a handler formats it, so
 * a key, tag or message written by a caller ({@code shirt.png\n2026-... ERROR ...}) stays on its one line instead of
 * forging another. Installed on the console and file handlers by {@code quarkus.log.*.filter=}{@value #NAME}; stack
 * traces are left as they are (they are ours, one frame a line).
 */
@LoggingFilter(name = ControlCharacterLogFilter.NAME)
public final class ControlCharacterLogFilter implements Filter {

    public static final String NAME = "escape-control-characters";

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        String escaped = LogText.escape(message);
        if (escaped != null && !escaped.equals(message)) {
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(escaped, ext.getFormatStyle()); // keep printf-style formatting of the parameters
            } else {
                record.setMessage(escaped);
            }
        }
        Object[] parameters = record.getParameters();
        if (parameters != null) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof CharSequence text) {
                    parameters[i] = LogText.escape(text.toString());
                }
            }
        }
        return true;
    }
}
