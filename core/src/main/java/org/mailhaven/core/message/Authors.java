package org.mailhaven.core.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/**
 * The domains of a message's authors, its From field (RFC 5322 3.6.2): what DMARC judges
 * (RFC 7489 6.6.1) and what a DKIM signature of ours must not vouch for unless the mail is ours.
 */
public final class Authors {
    private Authors() {
    }

    /** The domain of the single author; none if there is no From, several, or several addresses in it (RFC 7489 6.6.1). */
    public static Optional<String> single(MimeMessage message) {
        List<String> fields = fields(message);
        if (fields.size() != 1) {
            return Optional.empty();
        }
        List<String> addresses = addresses(fields.get(0));
        return addresses.size() == 1 ? domain(addresses.get(0)) : Optional.empty();
    }

    /** The domain of every address of every From field that has one. */
    public static List<String> all(MimeMessage message) {
        List<String> domains = new ArrayList<>();
        for (String field : fields(message)) {
            addresses(field).forEach(address -> domain(address).ifPresent(domains::add));
        }
        return domains;
    }

    private static List<String> fields(MimeMessage message) {
        try {
            String[] from = message.getHeader("From");
            return from == null ? List.of() : List.of(from);
        } catch (MessagingException e) {
            return List.of();
        }
    }

    /** A field's addresses; none when it cannot be read. */
    private static List<String> addresses(String field) {
        try {
            List<String> addresses = new ArrayList<>();
            for (InternetAddress address : InternetAddress.parseHeader(field, false)) {
                addresses.add(address.getAddress());
            }
            return addresses;
        } catch (MessagingException e) {
            return List.of();
        }
    }

    private static Optional<String> domain(String address) {
        return address == null || !address.contains("@") ? Optional.empty()
            : Optional.of(address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT));
    }
}
