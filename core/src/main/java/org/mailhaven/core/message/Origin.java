package org.mailhaven.core.message;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import com.google.common.net.InetAddresses;

/**
 * Where the MTA in front of us received a message from, for mail it hands on over LMTP: the spam
 * checks must judge that client (its address for blocklists and SPF, its HELO name), not the MTA
 * on loopback. Read from the first {@code Received} field that was not written for the connection
 * from the front MTA itself; Postfix, Sendmail and Exim write the client as
 * {@code from HELO (rdns [address])} or {@code from rdns ([address] helo=HELO)}.
 */
public record Origin(String client, String helo) {
    public static final AttributeName CLIENT = AttributeName.of("org.mailhaven.origin.client");
    public static final AttributeName HELO = AttributeName.of("org.mailhaven.origin.helo");
    private static final Pattern FROM = Pattern.compile("^from\\s+(\\S+)(.*?)(?:\\bby\\b|;|$)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADDRESS = Pattern.compile("\\[(?:IPv6:)?([0-9A-Fa-f:.]+)]");
    private static final Pattern EXIM_HELO = Pattern.compile("helo=([^\\s)]+)", Pattern.CASE_INSENSITIVE);

    /** The client of the front MTA, skipping Received fields that name {@code frontMta} (our own hop from it). */
    public static Optional<Origin> of(MimeMessage message, String frontMta) throws MessagingException {
        String[] fields = message.getHeader("Received");
        if (fields == null) {
            return Optional.empty();
        }
        for (String field : fields) {
            Optional<Origin> origin = parse(field.replaceAll("\\s+", " ").strip());
            if (origin.isPresent() && !sameAddress(origin.get().client(), frontMta)) {
                return origin;
            }
        }
        return Optional.empty();
    }

    static Optional<Origin> parse(String field) {
        Matcher from = FROM.matcher(field);
        if (!from.find()) {
            return Optional.empty();
        }
        Matcher address = ADDRESS.matcher(from.group(2) + " " + from.group(1));
        // Only an IP literal: anything else would become a DNS lookup of a name the sender wrote.
        if (!address.find() || !InetAddresses.isInetAddress(address.group(1))) {
            return Optional.empty();
        }
        Matcher exim = EXIM_HELO.matcher(from.group(2));
        String helo = exim.find() ? exim.group(1) : from.group(1).startsWith("[") ? "" : from.group(1);
        return Optional.of(new Origin(address.group(1), helo));
    }

    /** Both are IP literals (parse checks ours, the front MTA's is the connection's): no lookup happens. */
    private static boolean sameAddress(String origin, String frontMta) {
        return InetAddresses.isInetAddress(frontMta) && InetAddresses.forString(origin).equals(InetAddresses.forString(frontMta));
    }

    public void storeIn(Mail mail) {
        mail.setAttribute(new Attribute(CLIENT, AttributeValue.of(client)));
        mail.setAttribute(new Attribute(HELO, AttributeValue.of(helo)));
    }

    public static Optional<Origin> of(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, CLIENT, String.class).map(client -> new Origin(client,
            AttributeUtils.getValueAndCastFromMail(mail, HELO, String.class).orElse("")));
    }
}
