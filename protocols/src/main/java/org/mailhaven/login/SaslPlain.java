package org.mailhaven.login;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The account named in a SASL PLAIN response (RFC 4616: authzid NUL authcid NUL password). */
public final class SaslPlain {
    private SaslPlain() {
    }

    /** The authentication identity of the base64 response; empty if it cannot be read. */
    public static String account(String base64) {
        try {
            String[] parts = new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8).split("\u0000", -1);
            return parts.length == 3 ? parts[1] : "";
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
