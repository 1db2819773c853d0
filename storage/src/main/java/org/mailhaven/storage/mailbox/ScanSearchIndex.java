package org.mailhaven.storage.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.ConjunctionCriterion;
import org.apache.james.mailbox.model.SearchQuery.Criterion;
import org.apache.james.mailbox.model.SearchQuery.DateOperator;
import org.apache.james.mailbox.model.SearchQuery.HeaderCriterion;
import org.apache.james.mailbox.model.SearchQuery.UidCriterion;
import org.apache.james.mailbox.model.SearchQuery.UidRange;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.extractor.TextExtractor;
import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.datetime.DateTime;
import org.apache.james.mime4j.dom.Header;
import org.apache.james.mime4j.field.datetime.parser.DateTimeParser;
import org.apache.james.mime4j.field.datetime.parser.ParseException;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code scan} search of {@code conf/indexer.xml}: James' {@link SimpleMessageSearchIndex},
 * which reads the messages from the store and matches each, with two of its answers put right.
 * <ul>
 * <li>James reads only the messages of the first UID or sequence-set criterion it finds anywhere
 * in the query, also one under NOT or OR: {@code SEARCH NOT 2,4} found nothing and
 * {@code SEARCH OR 1 SUBJECT x} only message 1. Here a criterion that narrows the messages read
 * is one at the top of the query (where all criteria must hold), or none.</li>
 * <li>SENTBEFORE, SENTON and SENTSINCE compare the Date field's own calendar date, "disregarding
 * time and timezone" (RFC 3501 6.4.4); James converted it to UTC first, so a message written
 * on the 3rd at 23:00 -0500 was found on the 4th. These criteria are evaluated here, from the
 * headers, and handed to James as the UIDs they match.</li>
 * </ul>
 */
public class ScanSearchIndex extends SimpleMessageSearchIndex {
    private static final String DATE = "Date";
    private static final UidRange ALL = new UidRange(MessageUid.MIN_VALUE, MessageUid.MAX_VALUE);

    private final MailboxSessionMapperFactory mappers;

    public ScanSearchIndex(MailboxSessionMapperFactory mappers, TextExtractor textExtractor,
                           AttachmentContentLoader attachmentContentLoader) {
        super(mappers, mappers, textExtractor, attachmentContentLoader);
        this.mappers = mappers;
    }

    @Override
    public Flux<MessageUid> search(MailboxSession session, Mailbox mailbox, SearchQuery query) {
        return Mono.fromCallable(() -> mended(query, new SentDates(() -> mappers.getMessageMapper(session), mailbox)))
            .flatMapMany(mended -> super.search(session, mailbox, mended));
    }

    static SearchQuery mended(SearchQuery query, SentDates sentDates) throws MailboxException {
        List<Criterion> criteria = new ArrayList<>();
        for (Criterion criterion : query.getCriteria()) {
            criteria.add(sentDates.replaced(criterion));
        }
        // James narrows the messages it reads by the first UID criterion it meets: make that one
        // that all results must match.
        Optional<Criterion> narrowing = criteria.stream().filter(UidCriterion.class::isInstance).findFirst();
        criteria.remove(narrowing.orElse(null));
        criteria.add(0, narrowing.orElse(SearchQuery.uid(ALL)));
        SearchQuery.Builder mended = SearchQuery.builder().andCriteria(criteria).sorts(query.getSorts());
        mended.addRecentMessageUids(query.getRecentMessageUids());
        return mended.build();
    }

    /** The Date field's calendar date of each message of a mailbox, read once per search when needed. */
    static class SentDates {
        private final Supplier<MessageMapper> mapper;
        private final Mailbox mailbox;
        private Map<MessageUid, LocalDate> dates;

        SentDates(Supplier<MessageMapper> mapper, Mailbox mailbox) {
            this.mapper = mapper;
            this.mailbox = mailbox;
        }

        /** The criterion with each SENT* date criterion in it replaced by the UIDs it matches. */
        Criterion replaced(Criterion criterion) throws MailboxException {
            if (criterion instanceof ConjunctionCriterion conjunction) {
                List<Criterion> parts = new ArrayList<>();
                for (Criterion part : conjunction.getCriteria()) {
                    parts.add(replaced(part));
                }
                return new ConjunctionCriterion(conjunction.getType(), parts);
            }
            if (criterion instanceof HeaderCriterion header && DATE.equalsIgnoreCase(header.getHeaderName())
                && header.getOperator() instanceof DateOperator operator) {
                LocalDate wanted = operator.getDate().toInstant().atZone(ZoneOffset.UTC).toLocalDate();
                List<UidRange> uids = new ArrayList<>();
                dates().forEach((uid, sent) -> {
                    if (matches(operator.getType(), sent.compareTo(wanted))) {
                        uids.add(new UidRange(uid));
                    }
                });
                return SearchQuery.uid(uids.toArray(UidRange[]::new));
            }
            return criterion;
        }

        private static boolean matches(SearchQuery.DateComparator type, int comparison) {
            return switch (type) {
                case BEFORE -> comparison < 0;
                case ON -> comparison == 0;
                case AFTER -> comparison > 0;
            };
        }

        private Map<MessageUid, LocalDate> dates() throws MailboxException {
            if (dates == null) {
                dates = new HashMap<>();
                Iterator<MailboxMessage> messages = mapper.get().findInMailbox(mailbox, MessageRange.all(), FetchType.HEADERS, -1);
                while (messages.hasNext()) {
                    MailboxMessage message = messages.next();
                    sentDate(message).ifPresent(date -> dates.put(message.getUid(), date));
                }
            }
            return dates;
        }

        /** The calendar date the Date field states; none if it has none or cannot be read. */
        static Optional<LocalDate> sentDate(MailboxMessage message) {
            try (InputStream headers = message.getHeaderContent()) {
                return sentDate(headers);
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        static Optional<LocalDate> sentDate(InputStream headers) throws IOException {
            DefaultMessageBuilder builder = new DefaultMessageBuilder();
            builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
            builder.setDecodeMonitor(DecodeMonitor.SILENT);
            Header header = builder.parseHeader(headers);
            Field field = header.getField(DATE);
            if (field == null || field.getBody() == null) {
                return Optional.empty();
            }
            try {
                DateTime date = new DateTimeParser(new StringReader(field.getBody().strip())).parseAll();
                return Optional.of(LocalDate.of(date.getYear(), date.getMonth(), date.getDay()));
            } catch (ParseException | RuntimeException e) {
                // An unreadable Date matches no SENT* criterion, as one that is missing.
                return Optional.empty();
            }
        }
    }
}
