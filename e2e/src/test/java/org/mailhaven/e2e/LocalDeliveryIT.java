package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import javax.mail.SendFailedException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Local delivery: aliases, subaddresses, catch-alls, domain aliases and loops, set up with
 * bin/james-cli and exercised over SMTP and IMAP, and per-recipient outcomes.
 */
class LocalDeliveryIT {
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String PASSWORD = "resolution-Secret-5";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;
    private static SmtpSink remote;

    @BeforeAll
    static void start() throws Exception {
        server = DISTRIBUTIONS.unpack("local-delivery");
        clients = new MailClients(server);
        remote = new SmtpSink();
        server.relayThrough(remote.port());
        assertEquals(0, server.james("start").exitCode);
        server.cliOk("AddDomain", "example.com");
        server.cliOk("AddDomain", "catchall.test");
        server.cliOk("AddUser", "alice@example.com", PASSWORD);
        server.cliOk("AddUser", "bob@example.com", PASSWORD);
        server.cliOk("AddUser", "carol@catchall.test", PASSWORD);
        server.cliOk("AddUser", "full@example.com", PASSWORD);
        server.cliOk("SetMaxStorageQuota", "#private&full@example.com", "100");
        server.cliOk("AddAddressMapping", "sales", "example.com", "alice@example.com");
        server.cliOk("AddAddressMapping", "*", "catchall.test", "bob@example.com");
        server.cliOk("AddDomainAlias", "example.net", "example.com");
        server.cliOk("AddAddressMapping", "away", "example.com", "away@remote.test");
    }

    @AfterAll
    static void closeRemote() throws Exception {
        remote.close();
    }


    private static String deliverAndRead(String recipient, String reader, String id) throws Exception {
        String messageId = "<" + id + "@e2e.test>";
        clients.sendUnauthenticated("smtp", "sender@remote.test",
            MailClients.message("sender@remote.test", recipient, id, messageId), recipient);
        return new String(clients.fetch("imap", reader, PASSWORD, messageId, DELIVERY), StandardCharsets.US_ASCII);
    }

    @Test
    void aliasDeliversToItsTarget() throws Exception {
        String delivered = deliverAndRead("sales@example.com", "alice@example.com", "alias");
        assertTrue(delivered.contains("Delivered-To: alice@example.com"), delivered);
    }

    @Test
    void subaddressDeliversToTheUserInAnyCase() throws Exception {
        deliverAndRead("Alice+Newsletters@Example.com", "alice@example.com", "subaddress");
    }

    @Test
    void catchAllTakesUnknownAddressesButNotExistingUsers() throws Exception {
        deliverAndRead("whoever@catchall.test", "bob@example.com", "catchall");
        deliverAndRead("carol@catchall.test", "carol@catchall.test", "catchall-user");
    }

    @Test
    void domainAliasMapsEveryUser() throws Exception {
        deliverAndRead("bob@example.net", "bob@example.com", "domain-alias");
    }

    @Test
    void unknownSubaddressAndAliasDomainUserAreRefusedAtRcpt() {
        for (String unknown : new String[] {"nobody+tag@example.com", "nobody@example.net"}) {
            assertRefusedAsUnknown(unknown);
        }
    }

    /**
     * The server keeps "does this user exist" and the aliases in memory; a change made with the
     * CLI must count for the very next message, also right after a refusal was remembered.
     */
    @Test
    void usersAndAliasesAddedOrRemovedWithTheCliCountForTheNextMessage() throws Exception {
        assertRefusedAsUnknown("newcomer@example.com");
        server.cliOk("AddUser", "newcomer@example.com", PASSWORD);
        deliverAndRead("newcomer@example.com", "newcomer@example.com", "new-user");

        assertRefusedAsUnknown("team@example.com");
        server.cliOk("AddAddressMapping", "team", "example.com", "newcomer@example.com");
        deliverAndRead("team@example.com", "newcomer@example.com", "new-alias");

        server.cliOk("RemoveAddressMapping", "team", "example.com", "newcomer@example.com");
        assertRefusedAsUnknown("team@example.com");
        server.cliOk("RemoveUser", "newcomer@example.com");
        assertRefusedAsUnknown("newcomer@example.com");
    }

    private static void assertRefusedAsUnknown(String recipient) {
        SendFailedException refused = assertThrows(SendFailedException.class,
            () -> clients.sendUnauthenticated("smtp", "sender@remote.test",
                MailClients.message("sender@remote.test", recipient, "x", "<unknown-" + recipient + ">"), recipient));
        assertTrue(String.valueOf(refused.getNextException()).contains("550 5.1.1"), refused::toString);
    }

    @Test
    void aForwardThatComesBackIsBouncedNotLooped() throws Exception {
        String messageId = "<came-back@e2e.test>";
        byte[] looped = ("Delivered-To: alice@example.com\r\n"
            + new String(MailClients.message("bob@example.com", "alice@example.com", "came back", messageId),
                StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        clients.submit("submission", "bob@example.com", PASSWORD, looped, "alice@example.com");

        String bounce = clients.fetchMatching("imap", "bob@example.com", PASSWORD, "Status: 5.4.6", DELIVERY);
        assertTrue(bounce.contains("alice@example.com"), bounce);
        assertTrue(!clients.messageIds("imap", "alice@example.com", PASSWORD).contains(messageId), "not delivered to alice");
    }

    @Test
    void overQuotaRecipientIsBouncedWith522WhileTheOtherIsDelivered() throws Exception {
        String messageId = "<over-quota@e2e.test>";
        clients.submit("submission", "bob@example.com", PASSWORD,
            MailClients.message("bob@example.com", "full@example.com", "big enough", messageId),
            "full@example.com", "alice@example.com");

        clients.fetch("imap", "alice@example.com", PASSWORD, messageId, DELIVERY);
        String bounce = clients.fetchMatching("imap", "bob@example.com", PASSWORD, "Status: 5.2.2", DELIVERY);
        assertTrue(bounce.contains("full@example.com"), bounce);
        assertTrue(!clients.messageIds("imap", "full@example.com", PASSWORD).contains(messageId), "not stored over quota");
    }

    @Test
    void forwardToAnotherDomainLeavesWithAnSrsSenderAndMarksTheLocalAddress() throws Exception {
        clients.sendUnauthenticated("smtp", "sender@remote.test",
            MailClients.message("sender@remote.test", "away@example.com", "forward me", "<forward@e2e.test>"), "away@example.com");
        SmtpSink.Received forwarded = remote.await(message -> message.data().contains("<forward@e2e.test>"), DELIVERY);
        assertTrue(forwarded.mailFrom().matches("<SRS0=[a-z2-7]{6}=[a-z2-7]{2}=remote\\.test=sender@example\\.com>"),
            forwarded.mailFrom());
        assertEquals(List.of("<away@remote.test>"), forwarded.rcptTo());
        assertTrue(forwarded.data().contains("Delivered-To: away@example.com"), forwarded.data());
    }
}
