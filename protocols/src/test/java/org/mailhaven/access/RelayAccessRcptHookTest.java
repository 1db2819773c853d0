package org.mailhaven.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.Set;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

class RelayAccessRcptHookTest {
    private static final Set<Domain> LOCAL = Set.of(Domain.of("example.com"));

    private static DomainList domains() {
        return (DomainList) Proxy.newProxyInstance(DomainList.class.getClassLoader(), new Class<?>[] {DomainList.class},
            (proxy, method, args) -> {
                if (method.getName().equals("containsDomain")) {
                    return LOCAL.contains((Domain) args[0]);
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }

    private static SMTPSession session(boolean relayingAllowed) {
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "isRelayingAllowed" -> relayingAllowed;
                case "getRemoteAddress" -> new InetSocketAddress("192.0.2.7", 40000);
                default -> throw new UnsupportedOperationException(method.getName());
            });
    }

    private static HookResult rcpt(boolean requireAuthentication, boolean relayingAllowed, String recipient) throws Exception {
        RelayAccessRcptHook hook = new RelayAccessRcptHook(domains());
        BaseConfiguration config = new BaseConfiguration();
        config.addProperty("requireAuthentication", requireAuthentication);
        hook.init(config);
        return hook.doRcpt(session(relayingAllowed), MaybeSender.getMailSender("someone@remote.test"), new MailAddress(recipient));
    }

    @Test
    void anyoneMaySendToALocalDomain() throws Exception {
        assertEquals(HookReturnCode.declined(), rcpt(false, false, "alice@example.com").getResult());
    }

    @Test
    void unauthenticatedRelayIsRefusedPermanentlyWith571() throws Exception {
        HookResult result = rcpt(false, false, "victim@elsewhere.test");
        assertEquals(HookReturnCode.deny(), result.getResult());
        assertEquals("550", result.getSmtpRetCode());
        assertTrue(result.getSmtpDescription().startsWith("5.7.1 "), result.getSmtpDescription());
    }

    @Test
    void authenticatedOrTrustedClientsMayRelay() throws Exception {
        assertEquals(HookReturnCode.declined(), rcpt(false, true, "friend@elsewhere.test").getResult());
        assertEquals(HookReturnCode.declined(), rcpt(true, true, "friend@elsewhere.test").getResult());
    }

    @Test
    void submissionRequiresAuthenticationEvenForLocalRecipients() throws Exception {
        HookResult result = rcpt(true, false, "alice@example.com");
        assertEquals(HookReturnCode.deny(), result.getResult());
        assertEquals("530", result.getSmtpRetCode());
        assertTrue(result.getSmtpDescription().startsWith("5.7.0 "), result.getSmtpDescription());
    }
}
