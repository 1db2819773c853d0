package org.mailhaven.server;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.james.cli.probe.impl.JmxConnection;
import org.apache.james.domainlist.api.DomainListManagementMBean;
import org.apache.james.rrt.api.RecipientRewriteTableManagementMBean;

/**
 * Administration commands of ours that James' own CLI lacks, run over the same JMX connection.
 */
enum ExtraCommand {
    /** Mail for anything@alias goes to anything@domain; the alias becomes a local domain. */
    ADD_DOMAIN_ALIAS("AddDomainAlias", "aliasDomain", "domain") {
        @Override
        void run(JmxConnection jmx, List<String> args) throws Exception {
            DomainListManagementMBean domains = jmx.retrieveBean(DomainListManagementMBean.class, DOMAINS);
            if (!domains.containsDomain(args.get(1))) {
                throw new IllegalArgumentException(args.get(1) + " is not a local domain; add it first with AddDomain");
            }
            if (!domains.containsDomain(args.get(0))) {
                domains.addDomain(args.get(0));
            }
            jmx.retrieveBean(RecipientRewriteTableManagementMBean.class, MAPPINGS).addDomainMapping(args.get(0), args.get(1));
        }
    },
    REMOVE_DOMAIN_ALIAS("RemoveDomainAlias", "aliasDomain", "domain") {
        @Override
        void run(JmxConnection jmx, List<String> args) throws Exception {
            jmx.retrieveBean(RecipientRewriteTableManagementMBean.class, MAPPINGS).removeDomainMapping(args.get(0), args.get(1));
            jmx.retrieveBean(DomainListManagementMBean.class, DOMAINS).removeDomain(args.get(0));
        }
    };

    private static final String DOMAINS = "org.apache.james:type=component,name=domainlist";
    private static final String MAPPINGS = "org.apache.james:type=component,name=recipientrewritetable";

    final String name;
    private final List<String> arguments;

    ExtraCommand(String name, String... arguments) {
        this.name = name;
        this.arguments = List.of(arguments);
    }

    abstract void run(JmxConnection jmx, List<String> args) throws Exception;

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
