package org.mailhaven.core.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.lib.MappingsImpl;
import org.apache.james.user.api.UsersRepository;
import org.junit.jupiter.api.Test;
import org.mailhaven.core.address.AddressResolver.LocalTarget;
import org.mailhaven.core.address.AddressResolver.Resolution;
import org.mailhaven.core.srs.Srs;

class AddressResolverTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);
    private static final Srs SRS = Srs.using(new byte[32], CLOCK);

    private final Map<String, List<Mapping>> mappings = new HashMap<>();
    private final Set<String> users = Set.of("alice@example.com", "bob@example.com", "carol@catchall.test");
    private final Set<String> domains = Set.of("example.com", "catchall.test", "example.net");

    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<T> type, java.util.function.BiFunction<String, Object[], Object> answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
            (proxy, method, args) -> method.isDefault()
                ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args)
                : answer.apply(method.getName(), args));
    }

    private AddressResolver resolver(String separator) {
        RecipientRewriteTable rrt = fake(RecipientRewriteTable.class, (name, args) ->
            MappingsImpl.fromMappings(mappings.getOrDefault(((MappingSource) args[0]).asString(), List.of()).stream()));
        UsersRepository repository = fake(UsersRepository.class, (name, args) -> switch (name) {
            case "contains" -> users.contains(((Username) args[0]).asString());
            case "supportVirtualHosting" -> true;
            default -> throw new UnsupportedOperationException(name);
        });
        DomainList domainList = fake(DomainList.class, (name, args) -> domains.contains(((Domain) args[0]).asString()));
        return new AddressResolver(rrt, repository, domainList, separator, 10, SRS);
    }

    private Resolution resolve(String address) throws Exception {
        return resolver("+").resolve(new MailAddress(address));
    }

    private static List<LocalTarget> local(String address, String detail) throws Exception {
        return List.of(new LocalTarget(new MailAddress(address), Optional.ofNullable(detail)));
    }

    @Test
    void existingUserInAnyCase() throws Exception {
        assertEquals(local("alice@example.com", null), resolve("Alice@EXAMPLE.com").local());
    }

    @Test
    void subaddressKeepsItsDetail() throws Exception {
        assertEquals(local("alice@example.com", "lists"), resolve("alice+lists@example.com").local());
        assertEquals(AddressResolver.UNKNOWN_USER, resolver("").resolve(new MailAddress("alice+lists@example.com"))
            .failures().get(0).status(), "separator off");
    }

    @Test
    void aliasesFollowChainsAndMayKeepACopy() throws Exception {
        mappings.put("info@example.com", List.of(Mapping.address("sales@example.com")));
        mappings.put("sales@example.com", List.of(Mapping.address("bob@example.com"), Mapping.address("partner@remote.test")));
        mappings.put("alice@example.com", List.of(Mapping.address("alice@example.com"), Mapping.address("alice@elsewhere.test")));
        Resolution info = resolve("info@example.com");
        assertEquals(local("bob@example.com", null), info.local());
        assertEquals(List.of(new MailAddress("partner@remote.test")), info.remote());
        Resolution alice = resolve("alice@example.com");
        assertEquals(local("alice@example.com", null), alice.local());
        assertEquals(List.of(new MailAddress("alice@elsewhere.test")), alice.remote());
    }

    @Test
    void catchAllAndDomainAliasNeverHideUsers() throws Exception {
        mappings.put("catchall.test", List.of(Mapping.address("bob@example.com")));
        mappings.put("example.net", List.of(Mapping.domain(Domain.of("example.com"))));
        assertEquals(local("carol@catchall.test", null), resolve("carol@catchall.test").local());
        assertEquals(local("bob@example.com", null), resolve("whoever@catchall.test").local());
        assertEquals(local("alice@example.com", null), resolve("alice@example.net").local());
        assertEquals(AddressResolver.UNKNOWN_USER, resolve("nobody@example.net").failures().get(0).status());
    }

    @Test
    void cyclesAndDeepChainsAreLoops() throws Exception {
        mappings.put("a@example.com", List.of(Mapping.address("b@example.com")));
        mappings.put("b@example.com", List.of(Mapping.address("a@example.com")));
        Resolution cycle = resolve("a@example.com");
        assertTrue(!cycle.deliversSomewhere());
        assertEquals(AddressResolver.LOOP, cycle.failures().get(0).status());
        for (int i = 0; i < 12; i++) {
            mappings.put("d" + i + "@example.com", List.of(Mapping.address("d" + (i + 1) + "@example.com")));
        }
        assertEquals(AddressResolver.LOOP, resolve("d0@example.com").failures().get(0).status());
    }

    @Test
    void errorMappingsAndUnknownAddressesFail() throws Exception {
        mappings.put("gone@example.com", List.of(Mapping.error("This address was closed")));
        assertEquals("This address was closed", resolve("gone@example.com").failures().get(0).reason());
        assertEquals(AddressResolver.UNKNOWN_USER, resolve("nobody@example.com").failures().get(0).status());
    }

    @Test
    void otherDomainsAreRemote() throws Exception {
        assertEquals(List.of(new MailAddress("x@remote.test")), resolve("x@remote.test").remote());
    }

    @Test
    void aBounceToAnSrsAddressOfOursGoesToTheOriginalSenderAndAForgedOneIsRefused() throws Exception {
        AddressResolver resolver = resolver("+");
        MailAddress rewritten = SRS.forward(new MailAddress("alice@origin.test"), "example.com");

        Resolution bounce = resolver.resolve(rewritten);
        assertEquals(List.of(new MailAddress("alice@origin.test")), bounce.remote());

        String forged = rewritten.getLocalPart().replaceFirst("=[a-z2-7]{6}=", "=aaaaaa=");
        Resolution refused = resolver.resolve(new MailAddress(forged + "@example.com"));
        assertEquals(List.of(), refused.remote());
        assertEquals(AddressResolver.FORGED_SRS, refused.failures().get(0).status());
    }
}
