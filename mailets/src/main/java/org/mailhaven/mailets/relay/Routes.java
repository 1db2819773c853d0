package org.mailhaven.mailets.relay;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.mailhaven.core.mtasts.MtaStsPolicy;
import org.mailhaven.mailets.relay.MxResolver.Host;
import org.mailhaven.mailets.relay.SmtpDelivery.Credentials;
import org.mailhaven.mailets.relay.SmtpDelivery.Destination;
import org.mailhaven.mailets.relay.SmtpDelivery.TlsPolicy;

/**
 * Where mail for a domain goes: the domain's MX hosts on port 25, or the smarthost (for every
 * domain, or only those listed), with the TLS policy that applies: the domain's MTA-STS policy
 * in enforce mode ({@link MtaStsPolicies}) makes TLS required and keeps only the MX hosts it
 * names; otherwise the configured policy and its per-domain exceptions.
 */
final class Routes {
    /** A smarthost: host, port, optional credentials, TLS policy, and the domains it serves (empty: all). */
    record Smarthost(String host, int port, Optional<Credentials> credentials, TlsPolicy tls, Set<String> domains) {
    }

    private final MxResolver resolver;
    private final int remotePort;
    private final TlsPolicy defaultTls;
    private final Set<String> tlsRequired;
    private final Set<String> tlsNone;
    private final Optional<Smarthost> smarthost;
    private final Optional<MtaStsPolicies> mtaSts;

    Routes(MxResolver resolver, int remotePort, TlsPolicy defaultTls, Set<String> tlsRequired, Set<String> tlsNone,
           Optional<Smarthost> smarthost, Optional<MtaStsPolicies> mtaSts) {
        this.mtaSts = mtaSts;
        this.resolver = resolver;
        this.remotePort = remotePort;
        this.defaultTls = defaultTls;
        this.tlsRequired = tlsRequired;
        this.tlsNone = tlsNone;
        this.smarthost = smarthost;
    }

    /** Where mail for a domain goes, or the failure (e.g. DNS) that prevents knowing it. */
    record Route(Optional<Destination> destination, Optional<Outcome> failure) {
    }

    Route route(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        Optional<Smarthost> relay = smarthostFor(lower);
        MxResolver.Resolution resolution = relay.map(this::smarthostHosts).orElseGet(() -> resolver.resolve(lower));
        if (resolution.failure().isPresent()) {
            return new Route(Optional.empty(), resolution.failure());
        }
        if (relay.isPresent()) {
            Smarthost s = relay.get();
            return new Route(Optional.of(new Destination("smarthost " + s.host(), resolution.hosts(), s.port(), s.tls(),
                s.credentials())), Optional.empty());
        }
        Optional<MtaStsPolicy> policy = mtaSts.flatMap(policies -> policies.policy(lower))
            .filter(found -> found.mode() == MtaStsPolicy.Mode.ENFORCE);
        if (policy.isPresent()) {
            return enforced(lower, resolution.hosts(), policy.get());
        }
        return new Route(Optional.of(new Destination(lower, resolution.hosts(), remotePort, tlsPolicy(lower), Optional.empty())),
            Optional.empty());
    }

    /**
     * RFC 8461 5: only the MX hosts the policy names, only over TLS with a certificate valid for
     * the host's name; otherwise the mail waits (and is bounced at the end of its lifetime).
     */
    private Route enforced(String domain, List<Host> hosts, MtaStsPolicy policy) {
        List<Host> allowed = hosts.stream().filter(host -> policy.allows(host.name())).toList();
        if (allowed.isEmpty()) {
            return new Route(Optional.empty(), Optional.of(Outcome.temporary("4.7.5", "The MTA-STS policy of " + domain
                + " (enforce) names none of its MX hosts " + hosts.stream().map(Host::name).toList() + " (policy: mx "
                + String.join(", ", policy.mx()) + ")")));
        }
        return new Route(Optional.of(new Destination(domain + " (MTA-STS policy: enforce)", allowed, remotePort,
            TlsPolicy.REQUIRED, Optional.empty())), Optional.empty());
    }

    private TlsPolicy tlsPolicy(String domain) {
        return tlsRequired.contains(domain) ? TlsPolicy.REQUIRED : tlsNone.contains(domain) ? TlsPolicy.NONE : defaultTls;
    }

    private Optional<Smarthost> smarthostFor(String domain) {
        return smarthost.filter(s -> s.domains().isEmpty() || s.domains().contains(domain));
    }

    /** The key under which recipients share one SMTP transaction. */
    String destinationKey(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        return smarthostFor(lower).map(s -> "smarthost:" + s.host()).orElse(lower);
    }

    private MxResolver.Resolution smarthostHosts(Smarthost relay) {
        if (relay.host().matches("[0-9.]+|.*:.*")) {
            try {
                return new MxResolver.Resolution(List.of(new Host(relay.host(), List.of(InetAddress.getByName(relay.host())))),
                    Optional.empty());
            } catch (UnknownHostException e) {
                return MxResolver.Resolution.failed(Outcome.temporary("4.4.3", "Invalid smarthost address " + relay.host()));
            }
        }
        List<InetAddress> addresses = resolver.addresses(relay.host());
        return addresses.isEmpty()
            ? MxResolver.Resolution.failed(Outcome.temporary("4.4.3", "The smarthost " + relay.host() + " has no address"))
            : new MxResolver.Resolution(List.of(new Host(relay.host(), addresses)), Optional.empty());
    }
}
