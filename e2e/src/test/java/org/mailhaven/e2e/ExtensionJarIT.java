package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An administrator's own mailet, in a jar dropped into lib/ext/ and named by its class in
 * conf/mailetcontainer.xml, runs in the pipeline after a restart.
 */
class ExtensionJarIT {
    private static final String MAILET = "package com.example.mail;\n"
        + "public class StampMailet extends org.apache.mailet.base.GenericMailet {\n"
        + "    @Override\n"
        + "    public void service(org.apache.mailet.Mail mail) throws javax.mail.MessagingException {\n"
        + "        mail.getMessage().setHeader(\"X-Stamp\", getInitParameter(\"stamp\", \"none\"));\n"
        + "    }\n"
        + "}\n";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;

    @Test
    void mailetFromLibExtRunsInThePipeline() throws Exception {
        server = DISTRIBUTIONS.unpack("extension-jar");
        buildMailetJar(server.home.resolve("lib/ext/stamp-mailet.jar"));
        server.conf("mailetcontainer.xml").insertBefore(ConfXml.mailet("org.mailhaven.mailets.delivery.DeliverToMailbox"),
            "<mailet match=\"All\" class=\"com.example.mail.StampMailet\"><stamp>from-lib-ext</stamp></mailet>").save();

        Distribution.Result start = server.james("start");
        assertEquals(0, start.exitCode, start::toString);
        assertEquals(0, server.cli("AddDomain", "example.org").exitCode);
        assertEquals(0, server.cli("AddUser", "carol@example.org", "carol-Secret-3").exitCode);

        MailClients clients = new MailClients(server);
        String messageId = "<ext-jar@e2e.test>";
        clients.sendUnauthenticated("smtp", "sender@remote.test",
            MailClients.message("sender@remote.test", "carol@example.org", "Stamped", messageId), "carol@example.org");
        String delivered = new String(clients.fetch("imap", "carol@example.org", "carol-Secret-3", messageId,
            Duration.ofSeconds(30)), StandardCharsets.US_ASCII);
        assertTrue(delivered.contains("X-Stamp: from-lib-ext"), delivered);
    }

    /** Compiles the mailet against the distribution's own lib/ and packs it, as its author would. */
    private static void buildMailetJar(Path jar) throws IOException {
        Path work = Files.createTempDirectory("mailet");
        Path source = work.resolve("com/example/mail/StampMailet.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, MAILET, StandardCharsets.UTF_8);
        String classpath;
        try (Stream<Path> jars = Files.list(server.home.resolve("lib"))) {
            classpath = jars.map(Path::toString).filter(name -> name.endsWith(".jar"))
                .collect(Collectors.joining(File.pathSeparator));
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null,
            "-classpath", classpath, "-d", work.toString(), source.toString());
        assertEquals(0, result, "mailet compiles");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
            jarOut.putNextEntry(new JarEntry("com/example/mail/StampMailet.class"));
            jarOut.write(Files.readAllBytes(work.resolve("com/example/mail/StampMailet.class")));
            jarOut.closeEntry();
        }
    }
}
