package org.mailhaven.imap;

import java.util.List;
import java.util.stream.Stream;

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
        // Innermost first: each sees what the ones inside it answer.
        ImapProcessor mended = new FailedSelectionDeselects(james);
        mended = new FetchAnswers(mended);
        mended = new BinaryFetch(mended);
        mended = new SearchModSeqs(mended);
        mended = new CopyUidResponses(mended);
        mended = new ListPatterns(mended);
        mended = new SpecialUseListed(mended);
        mended = new InvalidMailboxNames(mended);
        mended = new SortAndThread(mended);
        mended = new ContextSearch(mended);
        mended = new CondstoreAnnounced(mended);
        mended = new BinaryAppends(mended);
        mended = new MultiAppend(mended, mailboxManager);
        mended = new KeywordsAnnounced(mended);
        mended = new RecentOnce(mended);
        mended = new SequenceNumbersAnnounced(mended);
        mended = new ByeFlushed(mended);
        return new AddedCapabilities(mended, Stream.of(SortAndThread.CAPABILITIES, MultiAppend.CAPABILITIES,
            BinaryFetch.CAPABILITIES, ContextSearch.CAPABILITIES)
            .flatMap(List::stream).toList());
    }
}
