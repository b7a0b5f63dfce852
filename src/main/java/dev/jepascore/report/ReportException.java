package dev.jepascore.report;

import dev.jepascore.ErrorCode;

import dev.jepascore.JepaException;

/** A report cannot be made: a bad parameter ({@code BAD_INPUT}) or nothing under the prefix ({@code NOT_FOUND}). */
public class ReportException extends JepaException {

    public ReportException(ErrorCode code, String message) {
        super(code, message, null);
    }
}
