package dev.jepascore.report;

import dev.jepascore.JepaException;

/** A report cannot be made: a bad parameter ({@code BAD_INPUT}) or nothing under the prefix ({@code NOT_FOUND}). */
public class ReportException extends JepaException {

    public ReportException(Kind kind, String code, String message) {
        super(kind, code, message, null);
    }
}
