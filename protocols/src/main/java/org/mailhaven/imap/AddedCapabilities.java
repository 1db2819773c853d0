package org.mailhaven.imap;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.CapabilityRequest;
import org.apache.james.imap.message.response.CapabilityResponse;

import reactor.core.publisher.Mono;

/**
 * CAPABILITY with the extensions our processors add (SORT, THREAD, ...): James lists only what
 * its own processors implement, and its list cannot be extended from outside. One named in
 * {@code <disabledCaps>} of {@code conf/imapserver.xml} is not announced, as for James' own.
 */
final class AddedCapabilities extends ForwardingImapProcessor {
    private final List<Capability> added;
    private volatile List<Capability> announced;

    AddedCapabilities(ImapProcessor next, List<Capability> added) {
        super(next);
        this.added = List.copyOf(added);
        this.announced = this.added;
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        announced = added.stream().filter(capability -> !configuration.getDisabledCaps().contains(capability)).toList();
        next.configure(configuration);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof CapabilityRequest)) {
            return next.processReactive(message, responder, session);
        }
        return next.processReactive(message, new RewritingResponder(responder, (response, out) -> {
            if (response instanceof CapabilityResponse capabilities) {
                Set<Capability> all = new LinkedHashSet<>(capabilities.getCapabilities());
                all.addAll(announced);
                out.respond(new CapabilityResponse(all));
            } else {
                out.respond(response);
            }
        }), session);
    }
}
