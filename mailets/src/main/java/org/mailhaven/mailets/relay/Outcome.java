package org.mailhaven.mailets.relay;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What happened to one recipient on one attempt: delivered, temporarily failed (it waits and is
 * tried again) or permanently failed (it is bounced), with the RFC 3463 status, the remote
 * server that answered and its reply, as they go into a delivery status notification.
 */
record Outcome(Kind kind, String status, Optional<String> remoteMta, String diagnostic) {
    private static final Pattern ENHANCED = Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    enum Kind { DELIVERED, TEMPORARY, PERMANENT }

    static Outcome temporary(String status, String reason) {
        return new Outcome(Kind.TEMPORARY, status, Optional.empty(), reason);
    }

    static Outcome permanent(String status, String reason) {
        return new Outcome(Kind.PERMANENT, status, Optional.empty(), reason);
    }

    /**
     * From a remote server's reply, e.g. "550 5.1.1 No such user": 2xx delivered, 4xx temporary
     * (552 too, as RFC 5321 4.5.3.1.10 asks), 5xx permanent; the status is the reply's enhanced
     * code, else the generic one of its class.
     */
    static Outcome fromReply(int code, String reply, String remoteMta) {
        Kind kind = code < 300 ? Kind.DELIVERED : code < 500 || code == 552 ? Kind.TEMPORARY : Kind.PERMANENT;
        Matcher enhanced = ENHANCED.matcher(reply);
        String status = enhanced.find() ? enhanced.group(1)
            : kind == Kind.DELIVERED ? "2.0.0" : kind == Kind.TEMPORARY ? "4.0.0" : "5.0.0";
        if (code == 552 && status.startsWith("5")) {
            status = "4" + status.substring(1);
        }
        return new Outcome(kind, status, Optional.of(remoteMta), reply.strip());
    }

    boolean isSmtpReply() {
        return remoteMta.isPresent();
    }

    /** The Diagnostic-Code of a DSN: "smtp; <reply>" for a server's answer, ours otherwise. */
    String diagnosticCode() {
        return (isSmtpReply() ? "smtp; " : "X-Mailhaven; ") + diagnostic.replaceAll("\\s+", " ");
    }
}
