package org.mailhaven.storage.queue;

import org.apache.activemq.broker.BrokerRegistry;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.TransportConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the TCP port of James' embedded ActiveMQ broker (the mail queues). James opens
 * {@code tcp://localhost:0} although it only ever connects in-process ({@code vm://james}); any
 * local user could have connected to that random port, without a password, and read or injected
 * queued mail. The broker keeps running for the in-process connections. Called when
 * {@link ActiveMQQueueMigration}, the broker's only user, starts it.
 */
public final class LocalOnlyBroker {
    private static final Logger LOGGER = LoggerFactory.getLogger(LocalOnlyBroker.class);
    /** The name James gives its broker. */
    private static final String BROKER = "james";

    private LocalOnlyBroker() {
    }

    static void closeNetworkPorts() throws Exception {
        BrokerService broker = BrokerRegistry.getInstance().lookup(BROKER);
        if (broker == null) {
            throw new IllegalStateException("James' mail queue broker '" + BROKER + "' is not running");
        }
        for (TransportConnector connector : broker.getTransportConnectors().toArray(TransportConnector[]::new)) {
            connector.stop();
            broker.removeConnector(connector);
            LOGGER.info("Mail queue broker: closed its network port {} (only used in-process)", connector.getPublishableConnectString());
        }
    }
}
