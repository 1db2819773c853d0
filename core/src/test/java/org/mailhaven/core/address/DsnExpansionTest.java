package org.mailhaven.core.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.DsnParameters.Notify;
import org.apache.mailet.DsnParameters.RecipientDsnParameters;
import org.junit.jupiter.api.Test;

class DsnExpansionTest {
    private static MailAddress address(String text) throws Exception {
        return new MailAddress(text);
    }

    private static MailImpl mailFor(MailAddress recipient, RecipientDsnParameters parameters) throws Exception {
        MailImpl mail = MailImpl.builder().name("m1").sender("alice@example.com").addRecipient(recipient).build();
        DsnParameters.builder().envId(DsnParameters.EnvId.of("env-1")).addRcptParameter(recipient, parameters).build()
            .ifPresent(mail::setDsnParameters);
        return mail;
    }

    @Test
    void aOneToOneRewriteHandsEverythingOnWithTheOriginalAddressAsOrcpt() throws Exception {
        MailAddress sales = address("sales@example.com");
        MailImpl mail = mailFor(sales, RecipientDsnParameters.of(EnumSet.of(Notify.SUCCESS, Notify.FAILURE)));
        MailAddress alice = address("alice@example.com");

        Map<MailAddress, RecipientDsnParameters> inherited = DsnExpansion.inherit(mail, sales, List.of(alice));

        assertEquals(RecipientDsnParameters.of(EnumSet.of(Notify.SUCCESS, Notify.FAILURE), sales), inherited.get(alice));
        assertFalse(DsnExpansion.expansionReported(mail, sales, 1));
    }

    @Test
    void anExpansionDropsSuccessAndIsReportedItself() throws Exception {
        MailAddress team = address("team@example.com");
        MailAddress orcpt = address("team@old.example.com");
        MailImpl mail = mailFor(team, RecipientDsnParameters.of(EnumSet.of(Notify.SUCCESS), orcpt));
        List<MailAddress> targets = List.of(address("alice@example.com"), address("bob@remote.test"));

        Map<MailAddress, RecipientDsnParameters> inherited = DsnExpansion.inherit(mail, team, targets);

        for (MailAddress target : targets) {
            assertEquals(RecipientDsnParameters.of(EnumSet.of(Notify.NEVER), orcpt), inherited.get(target));
        }
        assertTrue(DsnExpansion.expansionReported(mail, team, 2));
    }

    @Test
    void withoutDsnNothingIsInherited() throws Exception {
        MailImpl mail = MailImpl.builder().name("m2").sender("alice@example.com").addRecipient("team@example.com").build();
        assertTrue(DsnExpansion.inherit(mail, address("team@example.com"), List.of(address("alice@example.com"))).isEmpty());
        assertEquals(Optional.empty(), DsnExpansion.withRecipients(mail, Map.of()));
    }
}
