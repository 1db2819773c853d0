package org.mailhaven.core.spam;

/**
 * The result of one authentication method for {@code Authentication-Results} (RFC 8601), such as
 * {@code spf=pass smtp.mailfrom=alice@example.org}.
 *
 * @param method     spf, dkim or dmarc
 * @param result     pass, fail, softfail, neutral, none, temperror, permerror, policy
 * @param domain     the domain that was authenticated (SPF: of the identity, DKIM: d=, DMARC: of
 *                   From), which DMARC uses for alignment; may be empty
 * @param properties the {@code ptype.property=value} part, e.g. {@code header.d=example.org}
 */
public record AuthResult(String method, String result, String domain, String properties) {
    public boolean passed() {
        return result.equals("pass");
    }

    /** The resinfo of an Authentication-Results header. */
    public String asHeaderPart() {
        return method + "=" + result + (properties.isEmpty() ? "" : " " + properties);
    }
}
