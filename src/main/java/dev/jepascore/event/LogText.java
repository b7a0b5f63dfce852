package dev.jepascore.event;

/**
 * Attacker-written text (keys, tags, messages) made safe for one log line or error message: control characters
 * (line breaks, escape sequences, NUL, the Unicode line and paragraph separators) become {@code \n}, {@code \r},
 * {@code \t} or {@code \\uXXXX}, so a key holding a newline cannot start a forged log line.
 */
public final class LogText {

    private LogText() {
    }

    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            boolean control = Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(ch);
                } else if (ch == '\n') {
                    out.append("\\n");
                } else if (ch == '\r') {
                    out.append("\\r");
                } else if (ch == '\t') {
                    out.append("\\t");
                } else {
                    out.append(String.format("\\u%04x", (int) ch));
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
