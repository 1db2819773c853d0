package org.mailhaven.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.james.cli.probe.impl.JmxConnection;
import org.apache.james.domainlist.api.DomainListManagementMBean;
import org.apache.james.rrt.api.RecipientRewriteTableManagementMBean;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.dns.Dns;
import org.mailhaven.login.LoginGuardMBean;
import org.mailhaven.mailets.archive.ArchiveMBean;
import org.mailhaven.mailets.error.ErrorRepositoryMBean;
import org.mailhaven.mailets.identity.DkimKeysMBean;
import org.mailhaven.mailets.relay.RelayQueueMBean;
import org.mailhaven.mailets.spam.QuarantineMBean;
import org.mailhaven.mailstore.MailboxStoreMBean;

/**
 * Administration commands of ours that James' own CLI lacks, run over the same JMX connection.
 */
enum ExtraCommand {
    /** Mail for anything@alias goes to anything@domain; the alias becomes a local domain. */
    ADD_DOMAIN_ALIAS("AddDomainAlias", "aliasDomain", "domain") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            DomainListManagementMBean domains = jmx.retrieveBean(DomainListManagementMBean.class, DOMAINS);
            if (!domains.containsDomain(args.get(1))) {
                throw new IllegalArgumentException(args.get(1) + " is not a local domain; add it first with AddDomain");
            }
            if (!domains.containsDomain(args.get(0))) {
                domains.addDomain(args.get(0));
            }
            jmx.retrieveBean(RecipientRewriteTableManagementMBean.class, MAPPINGS).addDomainMapping(args.get(0), args.get(1));
            return "";
        }
    },
    REMOVE_DOMAIN_ALIAS("RemoveDomainAlias", "aliasDomain", "domain") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            jmx.retrieveBean(RecipientRewriteTableManagementMBean.class, MAPPINGS).removeDomainMapping(args.get(0), args.get(1));
            jmx.retrieveBean(DomainListManagementMBean.class, DOMAINS).removeDomain(args.get(0));
            return "";
        }
    },
    /** The mail waiting in the relay queue. */
    LIST_QUEUE("ListQueue") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return table(queue(jmx).listWaiting(), "The relay queue is empty.",
                "ID", "SENDER", "RECIPIENTS", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR");
        }
    },
    RETRY_QUEUE("RetryQueue", "id|all") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            if (args.get(0).equalsIgnoreCase("all")) {
                long count = queue(jmx).retryAll();
                return count + (count == 1 ? " message" : " messages") + " to be tried now.";
            }
            String id = queue(jmx).retryNow(args.get(0));
            if (id.isEmpty()) {
                throw notWaiting(args.get(0));
            }
            return "1 message to be tried now; its id is now " + id + ".";
        }
    },
    DELETE_FROM_QUEUE("DeleteFromQueue", "id") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return done(queue(jmx).delete(args.get(0)), "deleted", notWaiting(args.get(0)));
        }
    },
    BOUNCE_FROM_QUEUE("BounceFromQueue", "id") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return done(queue(jmx).bounceNow(args.get(0)), "bounced to its sender", notWaiting(args.get(0)));
        }
    },
    /** The mail kept in the spam quarantine. */
    LIST_QUARANTINE("ListQuarantine") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return table(quarantine(jmx).list(), "The quarantine is empty.",
                "KEY", "DATE", "SCORE", "SENDER", "RECIPIENTS", "SUBJECT");
        }
    },
    RELEASE_FROM_QUARANTINE("ReleaseFromQuarantine", "key") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return done(quarantine(jmx).release(args.get(0)), "released for delivery", notQuarantined(args.get(0)));
        }
    },
    DELETE_FROM_QUARANTINE("DeleteFromQuarantine", "key") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return done(quarantine(jmx).delete(args.get(0)), "deleted", notQuarantined(args.get(0)));
        }
    },
    /** Mail an unexpected failure stopped, kept in var/mail/error/. */
    LIST_ERRORS("ListErrors") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return table(errors(jmx).list(), "No message waits in var/mail/error/.",
                "KEY", "KEPT SINCE", "SENDER", "RECIPIENTS", "SUBJECT", "RETRIES", "REASON");
        }
    },
    SHOW_ERROR("ShowError", "key") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            String shown = errors(jmx).show(args.get(0));
            if (shown.isEmpty()) {
                throw notKept(args.get(0));
            }
            return shown;
        }
    },
    /** Through the whole pipeline again, e.g. once the postmaster is set or a full disk has room. */
    RETRY_ERROR("RetryError", "key|all") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            if (args.get(0).equalsIgnoreCase("all")) {
                long count = errors(jmx).retryAll();
                return count + (count == 1 ? " message" : " messages") + " sent through the pipeline again.";
            }
            return done(errors(jmx).retry(args.get(0)),
                "sent through the pipeline again (bin/james-cli ListErrors shows it if it fails again)", notKept(args.get(0)));
        }
    },
    DELETE_ERROR("DeleteError", "key") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return done(errors(jmx).delete(args.get(0)), "deleted", notKept(args.get(0)));
        }
    },
    /** Gives up: the sender gets a delivery status notification (RFC 3464) with the reason. */
    BOUNCE_ERROR("BounceError", "key") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return done(errors(jmx).bounce(args.get(0)), "bounced to its sender", notKept(args.get(0)));
        }
    },
    /** Archive entries matching key=value words (from, to, since, until, subject, message-id). */
    SEARCH_ARCHIVE("SearchArchive", "key=value...") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return table(archive(jmx).search(args.toArray(String[]::new)), "No archive entry matches.",
                "ID", "ACCEPTED", "DIRECTION", "SENDER", "RECIPIENTS", "SUBJECT");
        }
    },
    SHOW_ARCHIVE("ShowArchive", "id") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            String entry = archive(jmx).show(args.get(0));
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("no archive entry " + args.get(0) + " (bin/james-cli SearchArchive)");
            }
            return entry;
        }
    },
    /** Writes matching entries to a file (mbox) or folder (eml); the path is the caller's, made absolute. */
    EXPORT_ARCHIVE("ExportArchive", "mbox|eml", "target", "key=value...") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            String target = Path.of(args.get(1)).toAbsolutePath().toString();
            long count = archive(jmx).export(args.subList(2, args.size()).toArray(String[]::new), target, args.get(0));
            return count + (count == 1 ? " entry" : " entries") + " exported to " + target + ".";
        }
    },
    VERIFY_ARCHIVE("VerifyArchive") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            List<String> problems = archive(jmx).verify();
            if (!problems.isEmpty()) {
                throw new IllegalStateException(problems.size() + " problem(s):\n" + String.join("\n", problems));
            }
            return "Every archive entry is complete and matches its SHA-256.";
        }
    },
    /** Client addresses and accounts blocked after failed logins (org.mailhaven.login). */
    LIST_LOGIN_BLOCKS("ListLoginBlocks") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return table(logins(jmx).listBlocks(), "No client or account is blocked.", "KIND", "NAME", "FAILURES", "UNTIL");
        }
    },
    UNBLOCK_LOGIN("UnblockLogin", "address|account|all") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            long lifted = logins(jmx).unblock(args.get(0));
            if (lifted == 0) {
                throw new IllegalArgumentException(args.get(0) + " is not blocked (bin/james-cli ListLoginBlocks)");
            }
            return lifted + (lifted == 1 ? " block" : " blocks") + " lifted.";
        }
    },
    /** A consistent copy of the running mailbox store; the directory is the caller's, made absolute. */
    BACKUP_MAILBOXES("BackupMailboxes", "directory") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return mailboxStore(jmx).backup(Path.of(args.get(0)).toAbsolutePath().toString());
        }
    },
    /** The dry run of a move from James' JPA store: what the next start would copy. */
    MAILBOX_MIGRATION_SURVEY("MailboxMigrationSurvey") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return mailboxStore(jmx).migrationSurvey();
        }
    },
    /** The DKIM keys of a local domain, with the TXT record each needs (docs/deliverability.md). */
    DKIM_KEYS("DkimKeys", "domain") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return keyTable(dkim(jmx).keys(args.get(0)));
        }
    },
    /** A new key pair, signing once its records are published and it is activated. */
    ROTATE_DKIM_KEY("RotateDkimKey", "domain") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return keyTable(dkim(jmx).rotate(args.get(0))) + "\nPublish these TXT records, then: bin/james-cli ActivateDkimKey "
                + args.get(0) + " (the keys signing now go on until then, and stay until RetireDkimKey).";
        }
    },
    ACTIVATE_DKIM_KEY("ActivateDkimKey", "domain", "selector...") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return keyTable(dkim(jmx).activate(args.get(0), List.copyOf(args.subList(1, args.size()))));
        }
    },
    RETIRE_DKIM_KEY("RetireDkimKey", "domain", "selector") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            dkim(jmx).retire(args.get(0), args.get(1));
            return "DKIM key " + args.get(1) + " of " + args.get(0) + " deleted; remove its TXT record from DNS.";
        }
    },
    /**
     * A PEM private key made elsewhere, read here by the CLI (the server may not see the
     * administrator's files: the systemd unit gives it no /home and its own /tmp).
     */
    IMPORT_DKIM_KEY("ImportDkimKey", "domain", "selector", "file") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            Path file = Path.of(args.get(2));
            if (!Files.isRegularFile(file) || Files.size(file) > DkimKeysMBean.MAX_PEM) {
                throw new IllegalArgumentException(args.get(2) + " is not a PEM key file");
            }
            String row = dkim(jmx).importKey(args.get(0), args.get(1), Files.readString(file, StandardCharsets.US_ASCII));
            return keyTable(List.of(row)) + "\nIt signs once activated: bin/james-cli ActivateDkimKey " + args.get(0) + " " + args.get(1);
        }
    },
    /** The DNS records a local domain needs, ready to paste into its zone (docs/deliverability.md). */
    DNS_RECORDS("DnsRecords", "domain") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            return zone(jmx, args.get(0), settings).stream().map(DomainZone.Entry::line).collect(Collectors.joining("\n"));
        }
    },
    /** Asks DNS (dns.servers) for each record DnsRecords prints: ok, missing or wrong. */
    CHECK_DNS("CheckDns", "domain") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            Dns dns = Dns.using(Dns.servers(settings.get("dns.servers")),
                Parameters.parseDuration(settings.get("dns.timeout")).orElseThrow());
            List<ZoneCheck.Result> results = new ZoneCheck(dns, settings.publicAddresses()).check(zone(jmx, args.get(0), settings));
            String report = table(results.stream().map(ZoneCheck.Result::row).toList(), "",
                "STATUS", "NAME", "TYPE", "EXPECTED", "FOUND");
            long problems = results.stream().filter(result -> result.status() != ZoneCheck.Status.OK).count();
            if (problems > 0) {
                throw new IllegalStateException(problems + " of " + results.size() + " records missing or wrong "
                    + "(bin/james-cli DnsRecords " + args.get(0) + " prints them all):\n" + report);
            }
            return report + "\nAll " + results.size() + " records are as they should be.";
        }
    },
    PURGE_ARCHIVE("PurgeArchive") {
        @Override
        String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception {
            long removed = archive(jmx).purge();
            return removed + (removed == 1 ? " entry" : " entries") + " past their retention removed.";
        }
    };

    private static final String ARCHIVE = "org.mailhaven:type=archive";

    private static final String QUARANTINE = "org.mailhaven:type=spam,name=quarantine";

    private static final String RELAY_QUEUE = "org.mailhaven:type=relay,queue=relay";

    private static final String DOMAINS = "org.apache.james:type=component,name=domainlist";
    private static final String MAPPINGS = "org.apache.james:type=component,name=recipientrewritetable";

    final String name;
    private final List<String> arguments;

    ExtraCommand(String name, String... arguments) {
        this.name = name;
        this.arguments = List.of(arguments);
    }

    /** Runs the command; returns what to print, empty for nothing but "done". */
    abstract String run(JmxConnection jmx, List<String> args, Settings settings) throws Exception;

    private static RelayQueueMBean queue(JmxConnection jmx) throws Exception {
        return jmx.retrieveBean(RelayQueueMBean.class, RELAY_QUEUE);
    }

    /** Tab-separated rows under a header line, or {@code empty} when there are none. */
    private static String table(List<String> rows, String empty, String... headers) {
        if (rows.isEmpty()) {
            return empty;
        }
        StringBuilder table = new StringBuilder(String.join("\t", headers)).append('\n');
        for (String row : rows) {
            table.append(row).append('\n');
        }
        return table.toString().stripTrailing();
    }

    private static ArchiveMBean archive(JmxConnection jmx) throws Exception {
        return jmx.retrieveBean(ArchiveMBean.class, ARCHIVE);
    }

    private static DkimKeysMBean dkim(JmxConnection jmx) throws Exception {
        return jmx.retrieveBean(DkimKeysMBean.class, DkimKeysMBean.NAME);
    }

    /** The zone of a local domain, with its DKIM keys as the server has them. */
    private static List<DomainZone.Entry> zone(JmxConnection jmx, String domain, Settings settings) throws Exception {
        if (!jmx.retrieveBean(DomainListManagementMBean.class, DOMAINS).containsDomain(domain)) {
            throw new IllegalArgumentException(domain + " is not a local domain (bin/james-cli ListDomains)");
        }
        List<DomainZone.DkimRecord> keys = new ArrayList<>();
        try {
            for (String row : dkim(jmx).keys(domain)) {
                String[] columns = row.split("\t");
                keys.add(new DomainZone.DkimRecord(columns[4], columns[5]));
            }
        } catch (IllegalArgumentException e) {
            // No key: the zone says so.
        }
        return DomainZone.of(domain.toLowerCase(Locale.ROOT), settings, keys);
    }

    private static String keyTable(List<String> rows) {
        return table(rows, "No DKIM key.", "SELECTOR", "ALGORITHM", "CREATED", "STATE", "DNS NAME", "TXT RECORD");
    }

    private static MailboxStoreMBean mailboxStore(JmxConnection jmx) throws Exception {
        return jmx.retrieveBean(MailboxStoreMBean.class, MailboxStoreMBean.NAME);
    }

    private static LoginGuardMBean logins(JmxConnection jmx) throws Exception {
        return jmx.retrieveBean(LoginGuardMBean.class, LoginGuardMBean.NAME);
    }

    private static ErrorRepositoryMBean errors(JmxConnection jmx) throws Exception {
        return jmx.retrieveBean(ErrorRepositoryMBean.class, ErrorRepositoryMBean.NAME);
    }

    private static IllegalArgumentException notKept(String key) {
        return new IllegalArgumentException("no message " + key + " is kept in var/mail/error/ (bin/james-cli ListErrors)");
    }


    private static QuarantineMBean quarantine(JmxConnection jmx) throws Exception {
        return jmx.retrieveBean(QuarantineMBean.class, QUARANTINE);
    }

    private static IllegalArgumentException notQuarantined(String key) {
        return new IllegalArgumentException("no message " + key + " is in the quarantine (bin/james-cli ListQuarantine)");
    }

    /** "1 message deleted." for what a command did, or {@code missing} when there was nothing to do it to. */
    private static String done(long count, String what, IllegalArgumentException missing) {
        if (count == 0) {
            throw missing;
        }
        return count + (count == 1 ? " message " : " messages ") + what + ".";
    }

    private static IllegalArgumentException notWaiting(String id) {
        return new IllegalArgumentException("no message " + id + " is waiting in the relay queue (bin/james-cli ListQueue)");
    }

    /** A last argument written {@code name...} may be given any number of times, or not at all. */
    private boolean variadic() {
        return !arguments.isEmpty() && arguments.get(arguments.size() - 1).endsWith("...");
    }

    boolean accepts(int count) {
        return variadic() ? count >= arguments.size() - 1 : count == arguments.size();
    }

    /** How many arguments, as the error message says it. */
    String expected() {
        return variadic() ? "at least " + (arguments.size() - 1) : Integer.toString(arguments.size());
    }

    String usage() {
        StringBuilder usage = new StringBuilder(name);
        arguments.forEach(argument -> usage.append(argument.endsWith("...")
            ? " [" + argument.substring(0, argument.length() - 3) + "]..." : " <" + argument + ">"));
        return usage.toString();
    }

    static Optional<ExtraCommand> lookup(String name) {
        return Arrays.stream(values()).filter(command -> command.name.equalsIgnoreCase(name)).findFirst();
    }
}
