package org.mailhaven.web;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * The documents mail clients read to set up an account of {@code address}: implicit TLS
 * (993, 995, 465) first where it is on, STARTTLS (143, 110, 587) next (RFC 8314), the password
 * sent only inside TLS, and the full address as the user name.
 */
final class ClientConfigurations {
    private final ClientServices services;

    ClientConfigurations(ClientServices services) {
        this.services = services;
    }

    /** Thunderbird's autoconfig (config-v1.1.xml), also read by K-9, FairEmail and Evolution. */
    String thunderbird(String domain) {
        String host = Xml.escape(services.host());
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n")
            .append("  <emailProvider id=\"").append(Xml.escape(domain)).append("\">\n")
            .append("    <domain>").append(Xml.escape(domain)).append("</domain>\n")
            .append("    <displayName>").append(Xml.escape(domain)).append("</displayName>\n")
            .append("    <displayShortName>").append(Xml.escape(domain)).append("</displayShortName>\n");
        server(xml, "incomingServer", "imap", host, services.imaps(), "SSL");
        server(xml, "incomingServer", "imap", host, services.imap(), "STARTTLS");
        server(xml, "incomingServer", "pop3", host, services.pop3s(), "SSL");
        server(xml, "incomingServer", "pop3", host, services.pop3(), "STARTTLS");
        server(xml, "outgoingServer", "smtp", host, services.smtps(), "SSL");
        server(xml, "outgoingServer", "smtp", host, services.submission(), "STARTTLS");
        return xml.append("  </emailProvider>\n</clientConfig>\n").toString();
    }

    private static void server(StringBuilder xml, String element, String type, String host, Optional<Integer> port,
                               String socket) {
        port.ifPresent(number -> xml.append("    <").append(element).append(" type=\"").append(type).append("\">\n")
            .append("      <hostname>").append(host).append("</hostname>\n")
            .append("      <port>").append(number).append("</port>\n")
            .append("      <socketType>").append(socket).append("</socketType>\n")
            .append("      <authentication>password-cleartext</authentication>\n")
            .append("      <username>%EMAILADDRESS%</username>\n")
            .append("    </").append(element).append(">\n"));
    }

    /** Outlook's Autodiscover answer (the "POX" form, responseschema 2006a) for {@code address}. */
    String autodiscover(String address) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
            .append("<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">\n")
            .append("  <Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">\n")
            .append("    <Account>\n      <AccountType>email</AccountType>\n      <Action>settings</Action>\n");
        Optional<Integer> imapPort = services.imaps().or(services::imap);
        imapPort.ifPresent(port -> protocol(xml, "IMAP", port, services.imaps().isPresent(), address));
        if (imapPort.isEmpty()) {
            services.pop3s().or(services::pop3).ifPresent(port -> protocol(xml, "POP3", port, services.pop3s().isPresent(),
                address));
        }
        services.smtps().or(services::submission).ifPresent(port -> protocol(xml, "SMTP", port,
            services.smtps().isPresent(), address));
        return xml.append("    </Account>\n  </Response>\n</Autodiscover>\n").toString();
    }

    private void protocol(StringBuilder xml, String type, int port, boolean implicitTls, String address) {
        xml.append("      <Protocol>\n        <Type>").append(type).append("</Type>\n")
            .append("        <Server>").append(Xml.escape(services.host())).append("</Server>\n")
            .append("        <Port>").append(port).append("</Port>\n")
            .append("        <LoginName>").append(Xml.escape(address)).append("</LoginName>\n")
            .append("        <DomainRequired>off</DomainRequired>\n        <SPA>off</SPA>\n")
            .append(implicitTls ? "        <SSL>on</SSL>\n" : "        <SSL>off</SSL>\n        <Encryption>TLS</Encryption>\n")
            .append("        <AuthRequired>on</AuthRequired>\n      </Protocol>\n");
    }

    /**
     * An Apple configuration profile (iOS, iPadOS, macOS) with one IMAP account; unsigned, so
     * the device says "not verified" before installing it. The password is asked for on the device.
     */
    String appleProfile(String address) {
        String host = Xml.escape(services.host());
        String account = Xml.escape(address);
        String identifier = "mailhaven." + Xml.escape(reversed(services.host())) + ".";
        int incoming = services.imaps().or(services::imap).orElse(993);
        int outgoing = services.smtps().or(services::submission).orElse(465);
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
            + "<plist version=\"1.0\">\n<dict>\n"
            + "  <key>PayloadContent</key>\n  <array>\n    <dict>\n"
            + entry("EmailAccountDescription", account)
            + entry("EmailAccountName", account)
            + entry("EmailAccountType", "EmailTypeIMAP")
            + entry("EmailAddress", account)
            + entry("IncomingMailServerAuthentication", "EmailAuthPassword")
            + entry("IncomingMailServerHostName", host)
            + number("IncomingMailServerPortNumber", incoming)
            + flag("IncomingMailServerUseSSL", true)
            + entry("IncomingMailServerUsername", account)
            + entry("OutgoingMailServerAuthentication", "EmailAuthPassword")
            + entry("OutgoingMailServerHostName", host)
            + number("OutgoingMailServerPortNumber", outgoing)
            + flag("OutgoingMailServerUseSSL", true)
            + entry("OutgoingMailServerUsername", account)
            + flag("OutgoingPasswordSameAsIncomingPassword", true)
            + entry("PayloadDescription", "Mail account " + account)
            + entry("PayloadDisplayName", account)
            + entry("PayloadIdentifier", identifier + "account." + uuid("account " + address))
            + entry("PayloadType", "com.apple.mail.managed")
            + entry("PayloadUUID", uuid("account " + address))
            + number("PayloadVersion", 1)
            + "    </dict>\n  </array>\n"
            + entry("PayloadDisplayName", "Mail: " + account)
            + entry("PayloadIdentifier", identifier + uuid("profile " + address))
            + flag("PayloadRemovalDisallowed", false)
            + entry("PayloadType", "Configuration")
            + entry("PayloadUUID", uuid("profile " + address))
            + number("PayloadVersion", 1)
            + "</dict>\n</plist>\n";
    }

    private static String entry(String key, String escapedValue) {
        return "      <key>" + key + "</key><string>" + escapedValue + "</string>\n";
    }

    private static String number(String key, int value) {
        return "      <key>" + key + "</key><integer>" + value + "</integer>\n";
    }

    private static String flag(String key, boolean value) {
        return "      <key>" + key + "</key>" + (value ? "<true/>" : "<false/>") + "\n";
    }

    /**
     * The same for the same account: a device that installs the profile again replaces the
     * account instead of adding a second one.
     */
    private String uuid(String what) {
        return UUID.nameUUIDFromBytes((services.host() + " " + what).getBytes(StandardCharsets.UTF_8)).toString().toUpperCase();
    }

    private static String reversed(String host) {
        String[] labels = host.split("\\.");
        StringBuilder out = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) {
            out.append(labels[i]).append(i > 0 ? "." : "");
        }
        return out.toString();
    }
}
