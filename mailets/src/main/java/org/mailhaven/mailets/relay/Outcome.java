package org.mailhaven.mailets.relay;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What happened to one recipient on one attempt: accepted by the next server, temporarily failed
 * (it waits and is tried again) or permanently failed (it is bounced), with the RFC 3463 status,
 * the remote server that answered and its reply, as they go into a delivery status notification.
 */
record Outcome(Kind kind, String status, Optional<String> remoteMta, String diagnostic) {
    private static final Pattern ENHANCED = Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    /**
     * DELIVERED: the next server took the message, and with the DSN extension also the duty to
     * report on it; RELAYED: it took the message but offered no DSN, so a success notice the
     * sender asked for is ours to send (RFC 3461 6.2.2, "relayed").
     */
    enum Kind { DELIVERED, RELAYED, TEMPORARY, PERMANENT }

    static Outcome temporary(String status, String reason) {
        return new Outcome(Kind.TEMPORARY, status, Optional.empty(), reason);
    }

    static Outcome permanent(String status, String reason) {
        return new Outcome(Kind.PERMANENT, status, Optional.empty(), reason);
    }

    /**
     * From a remote server's reply, e.g. "550 5.1.1 No such user": 2xx delivered, 4xx temporary,
     * 5xx permanent; the status is the reply's enhanced code, else the generic one of its class.
     */
    static Outcome fromReply(int code, String reply, String remoteMta) {
        Kind kind = code < 300 ? Kind.DELIVERED : code < 500 ? Kind.TEMPORARY : Kind.PERMANENT;
        Matcher enhanced = ENHANCED.matcher(reply);
        String status = enhanced.find() ? enhanced.group(1)
            : kind == Kind.DELIVERED ? "2.0.0" : kind == Kind.TEMPORARY ? "4.0.0" : "5.0.0";
        return new Outcome(kind, status, Optional.of(remoteMta), reply.strip());
    }

    /**
     * From a server's reply to RCPT TO: as {@link #fromReply}, except that 552 is temporary
     * there: old servers say 552 for "too many recipients", which RFC 5321 4.5.3.1.10 asks
     * clients to treat as 452. (552 after DATA, message too big, stays permanent.)
     */
    static Outcome fromRcptReply(int code, String reply, String remoteMta) {
        Outcome outcome = fromReply(code, reply, remoteMta);
        if (code != 552) {
            return outcome;
        }
        return new Outcome(Kind.TEMPORARY, "4" + outcome.status().substring(1), outcome.remoteMta(), outcome.diagnostic());
    }

    /** The same acceptance, for a server that does not take over the DSN duty. */
    Outcome relayed() {
        return kind == Kind.DELIVERED ? new Outcome(Kind.RELAYED, status, remoteMta, diagnostic) : this;
    }

    boolean isAccepted() {
        return kind == Kind.DELIVERED || kind == Kind.RELAYED;
    }

    boolean isSmtpReply() {
        return remoteMta.isPresent();
    }

    /** The Diagnostic-Code of a DSN: "smtp; <reply>" for a server's answer, ours otherwise. */
    String diagnosticCode() {
        return (isSmtpReply() ? "smtp; " : "X-Mailhaven; ") + diagnostic.replaceAll("\\s+", " ");
    }
}
