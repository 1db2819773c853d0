package org.mailhaven.imap;

import org.apache.james.events.EventBus;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.imap.processor.main.DefaultImapProcessorFactory;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.metrics.api.MetricFactory;

/**
 * James' IMAP commands (built as its own Spring wiring builds them) with what we mend on the way
 * in front: each {@link ForwardingImapProcessor} sees every command and changes one behaviour.
 * Referenced by the {@code imapProcessor} bean of {@code META-INF/mailhaven/spring-overrides.xml},
 * where the login guard goes around the whole.
 */
public final class ImapProcessors {
    private ImapProcessors() {
    }

    public static ImapProcessor mended(MailboxManager mailboxManager, EventBus eventBus, SubscriptionManager subscriptionManager,
                                       MailboxTyper mailboxTyper, QuotaManager quotaManager, QuotaRootResolver quotaRootResolver,
                                       MetricFactory metricFactory) {
        ImapProcessor james = DefaultImapProcessorFactory.createXListSupportingProcessor(mailboxManager, eventBus,
            subscriptionManager, mailboxTyper, quotaManager, quotaRootResolver, metricFactory);
        return new CondstoreAnnounced(new SortAndThread(new InvalidMailboxNames(new ListPatterns(new CopyUidResponses(
            new SearchModSeqs(new FetchAnswers(new FailedSelectionDeselects(james))))))));
    }
}
