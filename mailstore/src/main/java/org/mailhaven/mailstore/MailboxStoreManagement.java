package org.mailhaven.mailstore;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;

/**
 * The mailbox store's administration over JMX. It looks its beans up when asked, so that it
 * exists with either store: a backup needs the mailhaven store, a migration survey reads the
 * JPA one.
 */
public final class MailboxStoreManagement implements MailboxStoreMBean, BeanFactoryAware {
    private ConfigurableBeanFactory beans;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beans = (ConfigurableBeanFactory) beanFactory;
    }

    public void publish() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(NAME);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(new StandardMBean(this, MailboxStoreMBean.class), name);
    }

    @Override
    public String backup(String target) throws Exception {
        if (!Arrays.asList(beans.getAliases(MailboxStoreChoice.OUR_MANAGER)).contains("mailboxmanager")) {
            throw new IllegalStateException("conf/mailbox.xml chooses the jpa store; back up var/store/derby"
                + " with the server stopped instead");
        }
        Path directory = Path.of(target).toAbsolutePath().normalize();
        beans.getBean("mailhaven-store", MailStore.class).backup(directory);
        long files;
        try (var walk = Files.walk(directory.resolve("bodies"))) {
            files = walk.filter(Files::isRegularFile).count();
        }
        return "Mailbox store copied to " + directory + " (" + files + " message files). To restore it, stop the"
            + " server and put that directory in place of var/store/mailboxes.";
    }

    @Override
    public String migrationSurvey() throws Exception {
        MailboxMigration.Report report = MailboxMigration.survey(
            beans.getBean("jpa-sessionMapperFactory", MailboxSessionMapperFactory.class),
            beans.getBean("sessionProvider", SessionProvider.class));
        if (report.mailboxes() == 0) {
            return "The JPA store (var/store/derby) holds no mailbox: there is nothing to copy.";
        }
        return "The JPA store (var/store/derby) holds " + report + ". With <provider>mailhaven</provider> in"
            + " conf/mailbox.xml, the next start copies them into var/store/mailboxes when that store has no"
            + " mailbox yet, keeping UIDs, flags and subscriptions; the JPA store is left as it is.";
    }
}
