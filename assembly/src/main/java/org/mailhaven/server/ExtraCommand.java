package org.mailhaven.server;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.james.cli.probe.impl.JmxConnection;
import org.apache.james.domainlist.api.DomainListManagementMBean;
import org.apache.james.rrt.api.RecipientRewriteTableManagementMBean;
import org.mailhaven.mailets.relay.RelayQueueMBean;
import org.mailhaven.mailets.spam.QuarantineMBean;

/**
 * Administration commands of ours that James' own CLI lacks, run over the same JMX connection.
 */
enum ExtraCommand {
    /** Mail for anything@alias goes to anything@domain; the alias becomes a local domain. */
    ADD_DOMAIN_ALIAS("AddDomainAlias", "aliasDomain", "domain") {
        @Override
        String run(JmxConnection jmx, List<String> args) throws Exception {
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
        String run(JmxConnection jmx, List<String> args) throws Exception {
            jmx.retrieveBean(RecipientRewriteTableManagementMBean.class, MAPPINGS).removeDomainMapping(args.get(0), args.get(1));
            jmx.retrieveBean(DomainListManagementMBean.class, DOMAINS).removeDomain(args.get(0));
            return "";
        }
    },
    /** The mail waiting in the relay queue. */
    LIST_QUEUE("ListQueue") {
        @Override
        String run(JmxConnection jmx, List<String> args) throws Exception {
            return table(queue(jmx).listWaiting(), "The relay queue is empty.",
                "ID", "SENDER", "RECIPIENTS", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR");
        }
    },
    RETRY_QUEUE("RetryQueue", "id|all") {
        @Override
        String run(JmxConnection jmx, List<String> args) throws Exception {
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
        String run(JmxConnection jmx, List<String> args) throws Exception {
            return found(queue(jmx).delete(args.get(0)), args.get(0), "deleted");
        }
    },
    BOUNCE_FROM_QUEUE("BounceFromQueue", "id") {
        @Override
        String run(JmxConnection jmx, List<String> args) throws Exception {
            return found(queue(jmx).bounceNow(args.get(0)), args.get(0), "bounced to its sender");
        }
    },
    /** The mail kept in the spam quarantine. */
    LIST_QUARANTINE("ListQuarantine") {
        @Override
        String run(JmxConnection jmx, List<String> args) throws Exception {
            return table(quarantine(jmx).list(), "The quarantine is empty.",
                "KEY", "DATE", "SCORE", "SENDER", "RECIPIENTS", "SUBJECT");
        }
    },
    RELEASE_FROM_QUARANTINE("ReleaseFromQuarantine", "key") {
        @Override
        String run(JmxConnection jmx, List<String> args) throws Exception {
            return quarantined(quarantine(jmx).release(args.get(0)), args.get(0), "released for delivery");
        }
    },
    DELETE_FROM_QUARANTINE("DeleteFromQuarantine", "key") {
        @Override
        String run(JmxConnection jmx, List<String> args) throws Exception {
            return quarantined(quarantine(jmx).delete(args.get(0)), args.get(0), "deleted");
        }
    };

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
    abstract String run(JmxConnection jmx, List<String> args) throws Exception;

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

    private static QuarantineMBean quarantine(JmxConnection jmx) throws Exception {
        return jmx.retrieveBean(QuarantineMBean.class, QUARANTINE);
    }

    private static String quarantined(long count, String key, String what) {
        if (count == 0) {
            throw new IllegalArgumentException("no message " + key + " is in the quarantine (bin/james-cli ListQuarantine)");
        }
        return "1 message " + what + ".";
    }

    private static String found(long count, String id, String what) {
        if (count == 0) {
            throw notWaiting(id);
        }
        return count + (count == 1 ? " message " : " messages ") + what + ".";
    }

    private static IllegalArgumentException notWaiting(String id) {
        return new IllegalArgumentException("no message " + id + " is waiting in the relay queue (bin/james-cli ListQueue)");
    }

    int argumentCount() {
        return arguments.size();
    }

    String usage() {
        StringBuilder usage = new StringBuilder(name);
        arguments.forEach(argument -> usage.append(" <").append(argument).append('>'));
        return usage.toString();
    }

    static Optional<ExtraCommand> lookup(String name) {
        return Arrays.stream(values()).filter(command -> command.name.equalsIgnoreCase(name)).findFirst();
    }
}
