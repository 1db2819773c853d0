package org.mailhaven.mailets;

import java.lang.management.ManagementFactory;

import javax.mail.MessagingException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An administration interface a mailet publishes over JMX for bin/james-cli (the relay queue,
 * the quarantine, the archive): published when the mailet starts, withdrawn when it stops. A
 * mailet container restarted in the same JVM replaces the earlier one.
 */
public final class Administration {
    private static final Logger LOGGER = LoggerFactory.getLogger(Administration.class);

    private final ObjectName name;

    private Administration(ObjectName name) {
        this.name = name;
    }

    public static <T> Administration publish(String name, T implementation, Class<T> type, String mailet)
            throws MessagingException {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName objectName = new ObjectName(name);
            if (server.isRegistered(objectName)) {
                server.unregisterMBean(objectName);
            }
            server.registerMBean(new StandardMBean(implementation, type), objectName);
            return new Administration(objectName);
        } catch (JMException e) {
            throw new MessagingException(mailet + ": cannot publish " + name + " for bin/james-cli", e);
        }
    }

    public void withdraw() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            LOGGER.debug("{} already withdrawn", name, e);
        }
    }
}
