package org.mailhaven.core.spam;

import java.util.List;
import java.util.Optional;

/**
 * What one check found: rules that matched, authentication results, and optionally a reason to
 * refuse the message whatever its score (an SPF fail or a DMARC reject the administrator chose to
 * enforce), written as the enhanced status code and text of the SMTP reply.
 */
public record CheckResult(List<Hit> hits, List<AuthResult> authentication, Optional<String> refusal) {
    public static final CheckResult NOTHING = new CheckResult(List.of(), List.of(), Optional.empty());

    public static CheckResult of(List<Hit> hits) {
        return new CheckResult(hits, List.of(), Optional.empty());
    }

    public static CheckResult of(Hit hit) {
        return of(List.of(hit));
    }
}
