package org.mailhaven.core.sieve.test;

import java.util.List;
import java.util.Optional;

import org.mailhaven.core.sieve.ParsedArguments;

/**
 * The part of an address a test compares: {@code :all} (default), {@code :localpart},
 * {@code :domain}, and the subaddress extension's (RFC 5233) {@code :user} and {@code :detail}.
 * An address without the separator has no detail, so {@code :detail} skips it.
 */
final class AddressPart {
    static final String[] TAGS = {":all", ":localpart", ":domain", ":user", ":detail"};

    private AddressPart() {
    }

    static ParsedArguments.Spec accept(ParsedArguments.Spec spec) {
        return spec.flag(TAGS);
    }

    static Optional<String> of(String part, String address, String separator) {
        int at = address.lastIndexOf('@');
        String localPart = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        int cut = separator.isEmpty() ? -1 : localPart.indexOf(separator);
        return switch (part) {
            case ":localpart" -> Optional.of(localPart);
            case ":domain" -> Optional.of(domain);
            case ":user" -> Optional.of(cut < 0 ? localPart : localPart.substring(0, cut));
            case ":detail" -> cut < 0 ? Optional.empty() : Optional.of(localPart.substring(cut + separator.length()));
            default -> Optional.of(address);
        };
    }

    static List<String> of(String part, List<String> addresses, String separator) {
        return addresses.stream()
            .map(address -> of(part, address, separator))
            .flatMap(Optional::stream)
            .toList();
    }
}
