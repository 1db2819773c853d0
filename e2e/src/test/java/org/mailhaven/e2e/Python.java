package org.mailhaven.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Standard parsers outside Java, to check that what the server writes is read as intended. */
final class Python {
    /** Debian's interpreter, where apt installs the modules the tests use (python3-dkim). */
    private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    private static final String REPORT_READER = String.join("\n",
        "import email, sys",
        "message = email.message_from_binary_file(open(sys.argv[1], 'rb'))",
        "print(message.get_content_type(), message.get_param('report-type'))",
        "for part in message.walk():",
        "    if part.get_content_type() == 'message/delivery-status':",
        "        for block in part.get_payload()[1:]:",
        "            print('|'.join(str(block[field]) for field in ('Final-Recipient', 'Action', 'Status', 'Diagnostic-Code')))",
        "");

    private static final String SUBMITTER = String.join("\n",
        "import json, smtplib, ssl, sys",
        "job = json.load(open(sys.argv[1]))",
        "context = ssl.create_default_context()",
        "context.check_hostname = False",
        "context.verify_mode = ssl.CERT_NONE",
        "client = smtplib.SMTP(job['host'], job['port'], local_hostname='client.e2e.test', timeout=30)",
        "client.starttls(context=context)",
        "client.login(job['user'], job['password'])",
        "client.ehlo()",
        "if not client.has_extn('dsn'):",
        "    sys.exit('the server does not offer DSN')",
        "code, reply = client.mail(job['from'], job['mail_options'])",
        "assert code == 250, (code, reply)",
        "for recipient, options in job['recipients']:",
        "    code, reply = client.rcpt(recipient, options)",
        "    assert code == 250, (recipient, code, reply)",
        "code, reply = client.data(job['message'].encode())",
        "assert code == 250, (code, reply)",
        "client.quit()",
        "");

    private static final String SENDER = String.join("\n",
        "import json, smtplib, sys",
        "job = json.load(open(sys.argv[1]))",
        "client = smtplib.SMTP(job['host'], job['port'], local_hostname=job['helo'], source_address=(job['source'], 0), timeout=60)",
        "client.ehlo()",
        "code, reply = client.mail(job['from'])",
        "if code != 250:",
        "    print('MAIL', code, reply.decode()); sys.exit()",
        "for recipient in job['recipients']:",
        "    code, reply = client.rcpt(recipient)",
        "    if code != 250:",
        "        print('RCPT', code, reply.decode()); sys.exit()",
        "code, reply = client.data(job['message'].encode())",
        "print('DATA', code, reply.decode())",
        "client.quit()",
        "");

    private static final String DKIM_SIGNER = String.join("\n",
        "import dkim, json, sys",
        "job = json.load(open(sys.argv[1]))",
        "message = job['message'].encode()",
        "signature = dkim.sign(message, job['selector'].encode(), job['domain'].encode(), open(job['key'], 'rb').read(),",
        "                      include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])",
        "sys.stdout.write((signature + message).decode())",
        "");

    /** Resolves through the test's DNS server, for dkimpy and pyspf (both ask dnspython). */
    private static final String TEST_RESOLVER = String.join("\n",
        "import dns.resolver, json, sys",
        "job = json.load(open(sys.argv[1]))",
        "resolver = dns.resolver.Resolver(configure=False)",
        "resolver.nameservers = [job['dns_host']]",
        "resolver.port = job['dns_port']",
        "dns.resolver.default_resolver = resolver",
        "");

    private static final String DKIM_VERIFIER = String.join("\n", TEST_RESOLVER,
        "import dkim",
        "def txt(name, timeout=5):",
        "    try:",
        "        answer = resolver.resolve(name.decode().rstrip('.'), 'TXT')",
        "    except Exception:",
        "        return None",
        "    return b''.join(answer[0].strings)",
        "message = open(job['message'], 'rb').read()",
        "checker = dkim.DKIM(message)",
        "count = len([line for line in message.split(b'\\r\\n\\r\\n')[0].split(b'\\r\\n') if line.lower().startswith(b'dkim-signature:')])",
        "for index in range(count):",
        "    ok = checker.verify(idx=index, dnsfunc=txt)",
        "    signature = dict(checker.signature_fields)",
        "    print(signature[b'a'].decode(), signature[b'd'].decode(), signature[b's'].decode(), 'pass' if ok else 'fail')",
        "");

    private static final String SPF_CHECKER = String.join("\n", TEST_RESOLVER,
        "import spf",
        "print(spf.check2(i=job['ip'], s=job['sender'], h=job['helo'])[0])",
        "");

    private static final String PLIST_READER = String.join("\n",
        "import plistlib, sys",
        "profile = plistlib.loads(open(sys.argv[1], 'rb').read())",
        "account = profile['PayloadContent'][0]",
        "print(account['EmailAccountType'], account['IncomingMailServerHostName'], account['IncomingMailServerPortNumber'],",
        "      account['IncomingMailServerUseSSL'], account['IncomingMailServerUsername'])",
        "");

    private static final String MBOX_READER = String.join("\n",
        "import hashlib, mailbox, sys",
        "box = mailbox.mbox(open(sys.argv[1]).read().strip(), create=False)",
        "for key in box.keys():",
        "    print(box[key]['Message-ID'], hashlib.sha256(box.get_bytes(key)).hexdigest())",
        "");

    private Python() {
    }

    /**
     * Submits a message on the submission port with Python's smtplib (STARTTLS, AUTH) and DSN
     * parameters: {@code mailOptions} on MAIL FROM (e.g. RET=HDRS, ENVID=x), and per recipient
     * its RCPT TO options (e.g. NOTIFY=SUCCESS).
     */
    static void submitWithDsn(Distribution server, String user, String password, String from, List<String> mailOptions,
                              Map<String, List<String>> recipients, byte[] message) throws IOException, InterruptedException {
        StringBuilder rcpts = new StringBuilder("[");
        recipients.forEach((recipient, options) -> rcpts.append(rcpts.length() > 1 ? ", " : "")
            .append("[").append(json(recipient)).append(", ").append(json(options)).append("]"));
        rcpts.append("]");
        String job = "{\"host\": \"127.0.0.1\", \"port\": " + server.port("submission")
            + ", \"user\": " + json(user) + ", \"password\": " + json(password) + ", \"from\": " + json(from)
            + ", \"mail_options\": " + json(mailOptions) + ", \"recipients\": " + rcpts
            + ", \"message\": " + json(new String(message, StandardCharsets.UTF_8)) + "}";
        String output = run(SUBMITTER, job);
        if (!output.isBlank()) {
            throw new AssertionError("submission with smtplib failed: " + output);
        }
    }

    /**
     * Hands a message to the server's port 25 as another mail server would, with Python's
     * smtplib, from the loopback address {@code source} greeting with {@code helo}. Returns the
     * first reply that was not 250 (e.g. {@code RCPT 550 5.7.1 ...}), or the DATA reply.
     */
    static String send(Distribution server, String source, String helo, String from, List<String> recipients,
                       String message) throws IOException, InterruptedException {
        String job = "{\"host\": \"127.0.0.1\", \"port\": " + server.port("smtp") + ", \"source\": " + json(source)
            + ", \"helo\": " + json(helo) + ", \"from\": " + json(from) + ", \"recipients\": " + json(recipients)
            + ", \"message\": " + json(message) + "}";
        return run(SENDER, job).strip();
    }

    /** Signs a message with DKIM (RFC 6376) using Python's dkimpy, an implementation independent of ours. */
    static String dkimSign(String message, String domain, String selector, Path privateKey)
            throws IOException, InterruptedException {
        String job = "{\"domain\": " + json(domain) + ", \"selector\": " + json(selector) + ", \"key\": "
            + json(privateKey.toAbsolutePath().toString()) + ", \"message\": " + json(message) + "}";
        String signed = run(DKIM_SIGNER, job);
        if (!signed.startsWith("DKIM-Signature:")) {
            throw new IOException("dkimpy could not sign: " + signed);
        }
        return signed;
    }

    /**
     * Verifies every DKIM signature of a message with Python's dkimpy (RSA and, through PyNaCl,
     * Ed25519), the keys looked up in {@code dns}: one line per signature, "a= d= s= pass|fail".
     */
    static List<String> dkimVerify(byte[] message, FakeDns dns) throws IOException, InterruptedException {
        Path file = Files.createTempFile("dkim", ".eml");
        try {
            Files.write(file, message);
            return run(DKIM_VERIFIER, resolverJob(dns) + ", \"message\": " + json(file.toString()) + "}").lines().toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The SPF result (RFC 7208) pyspf finds in {@code dns} for mail from {@code sender} sent by {@code ip}. */
    static String spf(String ip, String sender, String helo, FakeDns dns) throws IOException, InterruptedException {
        return run(SPF_CHECKER, resolverJob(dns) + ", \"ip\": " + json(ip) + ", \"sender\": " + json(sender)
            + ", \"helo\": " + json(helo) + "}").strip();
    }

    private static String resolverJob(FakeDns dns) {
        String[] address = dns.address().split(":");
        return "{\"dns_host\": " + json(address[0]) + ", \"dns_port\": " + address[1];
    }

    /** An Apple configuration profile read by Python's plistlib: account type, IMAP host, port, TLS and user. */
    static String applePlist(String profile) throws IOException, InterruptedException {
        return run(PLIST_READER, profile).strip();
    }

    /** Reads an mbox file with Python's mailbox module: one line per message, Message-ID and SHA-256 of its bytes. */
    static String readMbox(Path mbox) throws IOException, InterruptedException {
        return run(MBOX_READER, mbox.toAbsolutePath().toString());
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String json(List<String> values) {
        StringBuilder list = new StringBuilder("[");
        for (String value : values) {
            list.append(list.length() > 1 ? ", " : "").append(json(value));
        }
        return list.append("]").toString();
    }

    static String json(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /**
     * Reads a delivery status notification with Python's email package: its content type and
     * report-type, then one line per recipient: Final-Recipient|Action|Status|Diagnostic-Code.
     */
    static String parseReport(String message) throws IOException, InterruptedException {
        return run(REPORT_READER, message);
    }

    /**
     * Runs one probe of {@code python/attacks.py} against the server and returns its findings
     * ({@code key=value} lines). {@code job} is JSON: the server's ports, accounts and the
     * probe's own parameters.
     */
    static Map<String, String> attack(String probe, String job) throws IOException, InterruptedException {
        Path input = Files.createTempFile("attack", ".json");
        Path script = Files.createTempFile("attacks", ".py");
        try (InputStream resource = Python.class.getResourceAsStream("/python/attacks.py")) {
            Files.write(script, resource.readAllBytes());
            Files.writeString(input, job, StandardCharsets.UTF_8);
            Process python = new ProcessBuilder(PYTHON, script.toString(), input.toString(), probe).redirectErrorStream(true).start();
            String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!python.waitFor(5, TimeUnit.MINUTES) || python.exitValue() != 0) {
                python.destroyForcibly();
                throw new IOException("attacks.py " + probe + " failed: " + printed);
            }
            Map<String, String> findings = new LinkedHashMap<>();
            for (String line : printed.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    findings.merge(line.substring(0, eq), line.substring(eq + 1), (a, b) -> a + "\n" + b);
                }
            }
            return findings;
        } finally {
            Files.delete(input);
            Files.delete(script);
        }
    }

    /**
     * Sends the message files to the server and reads them back ({@code python/corpus_roundtrip.py}):
     * {@code job} names the ports, sender, recipient and reader; the result says how many were
     * accepted, delivered and stored byte for byte after our trace fields.
     */
    static CorpusResult corpusRoundTrip(String job) throws IOException, InterruptedException {
        Path script = Files.createTempFile("corpus", ".py");
        Path input = Files.createTempFile("corpus-job", ".json");
        Path output = Files.createTempFile("corpus-result", ".json");
        try (InputStream resource = Python.class.getResourceAsStream("/python/corpus_roundtrip.py")) {
            Files.write(script, resource.readAllBytes());
            Files.writeString(input, job, StandardCharsets.UTF_8);
            Process python = new ProcessBuilder(PYTHON, script.toString(), input.toString(), output.toString())
                .redirectErrorStream(true).start();
            if (!python.waitFor(600, TimeUnit.SECONDS)) {
                python.destroyForcibly();
                throw new IOException("corpus_roundtrip.py did not finish within 10 minutes");
            }
            String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (python.exitValue() != 0) {
                throw new IOException("corpus_roundtrip.py failed: " + printed);
            }
            return CorpusResult.parse(Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.delete(script);
            Files.delete(input);
            Files.delete(output);
        }
    }

    /** What corpus_roundtrip.py found; the JSON it writes is flat enough to read with patterns. */
    record CorpusResult(int sent, int accepted, int distinct, int delivered, int identical, String refused,
                        String differ, int archiveIdentical, String archiveDiffer, String json) {
        static CorpusResult parse(String json) {
            return new CorpusResult(number(json, "sent"), number(json, "accepted"), number(json, "distinct"),
                number(json, "delivered"), number(json, "identical"), list(json, "refused"), list(json, "differ"),
                number(json, "archive_identical"), list(json, "archive_differ"), json);
        }

        private static int number(String json, String key) {
            Matcher found = Pattern.compile("\"" + key + "\": (\\d+)").matcher(json);
            return found.find() ? Integer.parseInt(found.group(1)) : -1;
        }

        private static String list(String json, String key) {
            Matcher found = Pattern.compile("\"" + key + "\": \\[([^\\]]*)\\]",
                Pattern.DOTALL).matcher(json);
            return found.find() ? found.group(1).replaceAll("\\s+", " ").strip() : "";
        }
    }

    /** Runs a Python script with a file holding {@code input} as its argument; returns its output. */
    private static String run(String program, String input) throws IOException, InterruptedException {
        Path file = Files.createTempFile("python-input", ".txt");
        Path script = Files.createTempFile("python", ".py");
        Files.writeString(file, input, StandardCharsets.UTF_8);
        Files.writeString(script, program, StandardCharsets.UTF_8);
        try {
            Process python = new ProcessBuilder(PYTHON, script.toString(), file.toString()).redirectErrorStream(true).start();
            if (!python.waitFor(60, TimeUnit.SECONDS)) {
                python.destroyForcibly();
                throw new IOException("python3 did not finish");
            }
            return new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            Files.delete(file);
            Files.delete(script);
        }
    }
}
