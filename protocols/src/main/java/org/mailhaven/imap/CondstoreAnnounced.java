package org.mailhaven.imap;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;

import reactor.core.publisher.Mono;

/**
 * CONDSTORE (RFC 7162) announced with the QRESYNC that builds on it: James' CAPABILITY leaves it
 * out unless the configuration says so, which James' IMAP server never does, while SELECT, FETCH
 * and STORE implement it. Clients that saw QRESYNC without CONDSTORE (imaptest, Thunderbird's
 * checks) took the server for broken. An administrator can still turn either off with
 * {@code <disabledCaps>} in {@code conf/imapserver.xml}.
 */
final class CondstoreAnnounced extends ForwardingImapProcessor {
    CondstoreAnnounced(ImapProcessor next) {
        super(next);
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        ImapConfiguration.Builder builder = ImapConfiguration.builder()
            .enableIdle(configuration.isEnableIdle())
            .idleTimeInterval(configuration.getIdleTimeInterval())
            .idleTimeIntervalUnit(configuration.getIdleTimeIntervalUnit())
            .concurrentRequests(configuration.getConcurrentRequests())
            .maxQueueSize(configuration.getMaxQueueSize())
            .disabledCaps(configuration.getDisabledCaps().stream().map(Capability::asString).toArray(String[]::new))
            .isProvisionDefaultMailboxes(configuration.isProvisionDefaultMailboxes())
            .withCustomProperties(configuration.getCustomProperties())
            // James would drop CONDSTORE from the disabled ones when enabled: an administrator's word stands.
            .isCondstoreEnable(!configuration.getDisabledCaps().contains(ImapConstants.SUPPORTS_CONDSTORE));
        configuration.getAppendLimit().ifPresent(builder::appendLimit);
        next.configure(builder.build());
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, ImapProcessor.Responder responder, ImapSession session) {
        return next.processReactive(message, responder, session);
    }
}
