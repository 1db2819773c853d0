package org.mailhaven.core.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Python's dkimpy checks both signatures end to end (OutboundIdentityIT); here jDKIM's verifier checks RSA. */
class MessageSignerTest {
    private static final String MESSAGE = "Received: from client by mail.example.com; Fri, 4 Dec 2026 10:00:00 +0000\r\n"
        + "From: Alice <alice@example.com>\r\n"
        + "To: bob@remote.test\r\n"
        + "Subject: a  subject\r\n\tfolded\r\n"
        + "Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n"
        + "Message-ID: <1@example.com>\r\n"
        + "\r\n"
        + "Body  with spaces \r\n\r\n\r\n";

    @TempDir
    Path home;

    @Test
    void bothKeysSignWithFromOversignedAndTheRsaSignatureVerifiesAfterFolding() throws Exception {
        DkimKeyStore store = new DkimKeyStore(home, Clock.systemUTC());
        List<DkimKey> keys = store.createIfMissing("example.com");

        List<String> signatures = new MessageSigner(Clock.systemUTC()).sign(
            new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII)), keys);

        assertEquals(2, signatures.size());
        for (String signature : signatures) {
            assertTrue(signature.contains("c=relaxed/relaxed;"), signature);
            assertTrue(signature.contains("h=from:from:"), signature);
            assertTrue(signature.lines().allMatch(line -> line.length() <= 998), "no line over RFC 5322's limit");
        }
        DkimKey rsa = keys.stream().filter(key -> key.algorithm() == DkimAlgorithm.RSA).findFirst().orElseThrow();
        String rsaSignature = signatures.get(keys.indexOf(rsa));
        String signed = "DKIM-Signature: " + rsaSignature + "\r\n" + MESSAGE;
        List<SignatureRecord> verified = new DKIMVerifier((method, selector, domain) -> List.of(rsa.record()))
            .verify(new ByteArrayInputStream(signed.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(1, verified.size());
        assertEquals(rsa.selector(), verified.get(0).getSelector().toString());

        // Our inbound check (jDKIM) reads RSA keys only: with both signatures the RSA one passes, the other is skipped.
        String both = "DKIM-Signature: " + signatures.get(0) + "\r\nDKIM-Signature: " + signatures.get(1) + "\r\n" + MESSAGE;
        List<SignatureRecord> either = new DKIMVerifier((method, selector, domain) -> keys.stream()
            .filter(key -> key.selector().contentEquals(selector)).map(DkimKey::record).toList())
            .verify(new ByteArrayInputStream(both.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(List.of(rsa.selector()), either.stream().map(record -> record.getSelector().toString()).toList());
    }

    @Test
    void onlyTheSignatureAndTheSpacesBetweenTagsAreFolded() {
        String field = "DKIM-Signature: v=1; a=rsa-sha256; b=" + "A".repeat(100) + "; h=from:to;";
        String folded = MessageSigner.folded(field);
        assertEquals("v=1;\r\n\ta=rsa-sha256;\r\n\tb=\r\n\t" + "A".repeat(72) + "\r\n\t" + "A".repeat(28) + ";\r\n\th=from:to;",
            folded);
    }

    @Test
    void anEmptyBodyHashesAsNothingAsRfc6376RelaxedSays() throws Exception {
        List<DkimKey> keys = new DkimKeyStore(home, Clock.systemUTC()).createIfMissing("example.com");
        String empty = "From: alice@example.com\r\nSubject: empty\r\n\r\n";
        for (String message : List.of(empty, empty + "\r\n  \r\n")) {
            String signature = new MessageSigner(Clock.systemUTC()).sign(
                new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)), keys).get(0);
            assertTrue(signature.contains("bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="), signature);
        }
    }
}
