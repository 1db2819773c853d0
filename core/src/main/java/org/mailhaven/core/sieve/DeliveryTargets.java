package org.mailhaven.core.sieve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.mail.Flags;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * Where each local recipient's copy is stored: folders and IMAP flags, as decided by the Sieve
 * filter. Kept as a mail attribute (recipient to a list of "folder TAB flag flag ...") so that it
 * survives the spool queue; a recipient without an entry gets the INBOX without flags.
 */
public final class DeliveryTargets {
    public static final AttributeName ATTRIBUTE = AttributeName.of("org.mailhaven.delivery.targets");
    public static final String INBOX = "INBOX";

    private DeliveryTargets() {
    }

    /** One folder to store a copy in, with its flags (system flags as {@code \Seen}, or keywords). */
    public record Target(String folder, Set<String> flags) {
        public Target {
            folder = normalize(folder);
            flags = Set.copyOf(flags);
        }

        public static Target inbox() {
            return new Target(INBOX, Set.of());
        }

        public Flags asFlags() {
            Flags result = new Flags();
            for (String flag : flags) {
                switch (flag.toLowerCase(java.util.Locale.ROOT)) {
                    case "\\seen" -> result.add(Flags.Flag.SEEN);
                    case "\\answered" -> result.add(Flags.Flag.ANSWERED);
                    case "\\flagged" -> result.add(Flags.Flag.FLAGGED);
                    case "\\deleted" -> result.add(Flags.Flag.DELETED);
                    case "\\draft" -> result.add(Flags.Flag.DRAFT);
                    default -> result.add(flag);
                }
            }
            return result;
        }

        String encode() {
            return folder + "\t" + String.join(" ", flags);
        }

        static Target decode(String encoded) {
            int tab = encoded.indexOf('\t');
            String folder = tab < 0 ? encoded : encoded.substring(0, tab);
            Set<String> flags = new LinkedHashSet<>();
            if (tab >= 0) {
                for (String flag : encoded.substring(tab + 1).split(" ")) {
                    if (!flag.isEmpty()) {
                        flags.add(flag);
                    }
                }
            }
            return new Target(folder, flags);
        }

        /** IMAP's INBOX is case-insensitive; every other name is kept as written. */
        private static String normalize(String folder) {
            return folder.equalsIgnoreCase(INBOX) ? INBOX : folder;
        }
    }

    public static List<Target> of(Mail mail, MailAddress recipient) {
        return read(mail).getOrDefault(recipient.asString(), List.of(Target.inbox()));
    }

    /** Records the targets of one recipient; an empty list means "store nowhere". */
    public static void set(Mail mail, MailAddress recipient, List<Target> targets) {
        Map<String, AttributeValue<?>> all = new LinkedHashMap<>();
        read(mail).forEach((address, list) -> all.put(address, encode(list)));
        all.put(recipient.asString(), encode(targets));
        mail.setAttribute(new Attribute(ATTRIBUTE, AttributeValue.of(all)));
    }

    private static AttributeValue<?> encode(List<Target> targets) {
        List<AttributeValue<?>> encoded = new ArrayList<>();
        targets.forEach(target -> encoded.add(AttributeValue.of(target.encode())));
        return AttributeValue.of(encoded);
    }

    private static Map<String, List<Target>> read(Mail mail) {
        Map<String, List<Target>> result = new LinkedHashMap<>();
        Optional<Attribute> attribute = mail.getAttribute(ATTRIBUTE);
        if (attribute.isPresent() && attribute.get().getValue().value() instanceof Map<?, ?> map) {
            map.forEach((address, value) -> {
                List<Target> targets = new ArrayList<>();
                if (((AttributeValue<?>) value).value() instanceof List<?> list) {
                    list.forEach(item -> targets.add(Target.decode(String.valueOf(((AttributeValue<?>) item).value()))));
                }
                result.put(String.valueOf(address), targets);
            });
        }
        return result;
    }
}
