package org.mailhaven.imap;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.apache.james.mailbox.model.SearchQuery.Sort;

/**
 * The order of a SORT command (RFC 5256 3): its keys in turn, each possibly reversed, then the
 * mailbox's order (UID) for messages that compare equal. Addresses compare by the first
 * address's mailbox and subjects by their base subject (RFC 5256 2.1), case-insensitively
 * (i;ascii-casemap: folded to upper case, so "[list]" sorts after "c", as in Dovecot).
 */
final class SortOrder {
    private static final Comparator<MessageFields> BY_UID = Comparator.comparingLong(MessageFields::uid);

    private SortOrder() {
    }

    static Comparator<MessageFields> of(List<Sort> keys) {
        Comparator<MessageFields> order = null;
        for (Sort key : keys) {
            Comparator<MessageFields> next = comparator(key);
            if (key.isReverse()) {
                next = next.reversed();
            }
            order = order == null ? next : order.thenComparing(next);
        }
        return order == null ? BY_UID : order.thenComparing(BY_UID);
    }

    private static Comparator<MessageFields> comparator(Sort key) {
        return switch (key.getSortClause()) {
            case Arrival -> Comparator.comparing(MessageFields::arrival);
            case SentDate -> Comparator.comparing(MessageFields::sent);
            case Size -> Comparator.comparingLong(MessageFields::size);
            case MailboxFrom -> caseless(MessageFields::from);
            case MailboxTo -> caseless(MessageFields::to);
            case MailboxCc -> caseless(MessageFields::cc);
            case BaseSubject -> Comparator.comparing(fields -> Threads.baseSubject(fields.subject()).toUpperCase(Locale.ROOT));
            case Uid, Id -> BY_UID;
        };
    }

    /** A missing field sorts as the empty string: first. */
    private static Comparator<MessageFields> caseless(Function<MessageFields, String> field) {
        return Comparator.comparing(fields -> field.apply(fields) == null ? "" : field.apply(fields).toUpperCase(Locale.ROOT));
    }
}
