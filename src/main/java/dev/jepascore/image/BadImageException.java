package dev.jepascore.image;

import dev.jepascore.JepaException;

/** TEMPORARY stand-in for the lead's type on main; deleted before merging main. */
public class BadImageException extends JepaException {
    public BadImageException(String code, String message) {
        super(Kind.BAD_INPUT, code, message, null);
    }
}
