package org.mailhaven.core.address;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.DsnParameters.Notify;
import org.apache.mailet.DsnParameters.RecipientDsnParameters;
import org.apache.mailet.Mail;

/**
 * What becomes of a recipient's DSN parameters (RFC 3461 6.2.7) when its address is rewritten
 * to others: an alias or subaddress rewritten to one address hands all of them on; an address
 * expanded to several hands them on without SUCCESS, and the expansion itself is reported as
 * "expanded" if SUCCESS was asked for. The new addresses get ORCPT naming the address the client
 * gave, unless the client set one itself.
 */
public final class DsnExpansion {
    private DsnExpansion() {
    }

    /** The parameters the client gave for this recipient, if any. */
    public static Optional<RecipientDsnParameters> of(Mail mail, MailAddress recipient) {
        return mail.dsnParameters().map(dsn -> dsn.getRcptParameters().get(recipient));
    }

    /** The parameters each of {@code targets} inherits from {@code original}. */
    public static Map<MailAddress, RecipientDsnParameters> inherit(Mail mail, MailAddress original, Collection<MailAddress> targets) {
        Map<MailAddress, RecipientDsnParameters> inherited = new LinkedHashMap<>();
        Optional<RecipientDsnParameters> given = of(mail, original);
        if (mail.dsnParameters().isEmpty()) {
            return inherited;
        }
        MailAddress orcpt = given.flatMap(RecipientDsnParameters::getOrcptParameter).orElse(original);
        Optional<EnumSet<Notify>> notify = given.flatMap(RecipientDsnParameters::getNotifyParameter)
            .map(set -> targets.size() > 1 ? withoutSuccess(set) : set);
        for (MailAddress target : targets) {
            inherited.put(target, notify.map(set -> RecipientDsnParameters.of(set, orcpt)).orElseGet(() -> RecipientDsnParameters.of(orcpt)));
        }
        return inherited;
    }

    /** Whether the expansion of this recipient to several addresses is to be reported to the sender. */
    public static boolean expansionReported(Mail mail, MailAddress original, int targets) {
        return targets > 1 && of(mail, original).flatMap(RecipientDsnParameters::getNotifyParameter)
            .map(set -> set.contains(Notify.SUCCESS)).orElse(false);
    }

    /** The mail's DSN parameters with the recipients' replaced, if it has any. */
    public static Optional<DsnParameters> withRecipients(Mail mail, Map<MailAddress, RecipientDsnParameters> recipients) {
        return mail.dsnParameters().map(dsn -> dsn.withRcptParameters(recipients));
    }

    private static EnumSet<Notify> withoutSuccess(EnumSet<Notify> notify) {
        EnumSet<Notify> rest = EnumSet.copyOf(notify);
        rest.remove(Notify.SUCCESS);
        return rest.isEmpty() ? EnumSet.of(Notify.NEVER) : rest;
    }
}
