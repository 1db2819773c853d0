package org.mailhaven.mailstore;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.container.spring.bean.factorypostprocessor.MailboxConfigurationBeanFactoryPostProcessor;
import org.apache.james.container.spring.bean.factorypostprocessor.QuotaBeanFactoryPostProcessor;
import org.apache.james.container.spring.lifecycle.ConfigurationProvider;
import org.mailhaven.core.config.Names;
import org.springframework.beans.FatalBeanException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;

/**
 * Chooses the mailbox store from {@code conf/mailbox.xml}, in place of James' chooser (which
 * it removes, since that one knows only JPA and memory):
 * <ul>
 *   <li>{@code mailhaven} (default): this store ({@link MailStore}, {@code var/store/mailboxes}),
 *       which also counts quota usage in the commit of each change;</li>
 *   <li>{@code jpa}: James' JPA store in the embedded Derby database, exactly as James wires it,
 *       for installations that have not migrated yet.</li>
 * </ul>
 * James' quota chooser is run from here, after which the chosen quota limits are kept in
 * memory ({@link CachedMaxQuotaManager}) and, for {@code mailhaven}, current usage is the
 * store's and James' event-driven updater only announces it. The beans of the unused store
 * stay defined but are created only when asked for by name (so a migration can read the old
 * store), and are never injected by type. With {@code mailhaven}, the listeners and the spool
 * wait for {@link MailboxMigration} to copy an earlier JPA store.
 */
public class MailboxStoreChoice implements BeanDefinitionRegistryPostProcessor {
    static final String OURS = "mailhaven";
    static final String JPA = "jpa";
    /** What {@code <provider>} accepts (ignoring case); the start-up check refuses anything else with its line. */
    public static final List<String> PROVIDERS = List.of(OURS, JPA);
    static final String OUR_MANAGER = "mailhaven-mailboxmanager";
    /** What must wait for a migration from the JPA store: everything that reads or delivers mail. */
    private static final List<String> MAILBOX_USERS = List.of("imapserver", "pop3server", "smtpserver",
        "lmtpserver", "managesieveserver", "mailspooler", "fetchmail");
    private static final String MIGRATION = "mailhaven-migration";
    private static final String MAX_QUOTA_MANAGER = "maxQuotaManager";
    private static final String CACHED_MAX_QUOTA_MANAGER = "mailhaven-maxQuotaManager";
    /** The limits James' quota chooser can pick (conf/quota.xml maxQuotaManager). */
    private static final List<String> MAX_QUOTA_MANAGERS = List.of("jpaMaxQuotaManager", "inMemoryMaxQuotaManager",
        "fixedMaxQuotaManager", "noMaxQuotaManager");

    /** James' alias (or bean) name, and our bean behind it. */
    private static final Map<String, String> OUR_BEANS = Map.of(
        "mailboxmanager", OUR_MANAGER,
        "subscriptionManager", "mailhaven-subscriptionManager",
        "messageMapperFactory", "mailhaven-sessionMapperFactory",
        "mailboxIdFactory", "mailhaven-mailboxIdFactory",
        "messageIdFactory", "mailhaven-messageIdFactory",
        "currentQuotaManager", "mailhaven-currentQuotaManager");
    /** The other stores' beans that would otherwise be created or be a second candidate by type. */
    private static final List<String> OTHER_STORES = List.of("jpa-mailboxmanager", "jpa-subscriptionManager",
        "jpa-sessionMapperFactory", "jpa-uidProvider", "jpa-modSeqProvider", "jpaCurrentQuotaManager",
        "memory-mailboxManager", "memory-subscriptionManager", "memory-sessionMapperFactory");
    private static final Set<Class<?>> JAMES_CHOOSERS = Set.of(MailboxConfigurationBeanFactoryPostProcessor.class,
        QuotaBeanFactoryPostProcessor.class);

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        Arrays.stream(registry.getBeanDefinitionNames())
            .filter(name -> JAMES_CHOOSERS.stream()
                .anyMatch(chooser -> chooser.getName().equals(registry.getBeanDefinition(name).getBeanClassName())))
            .forEach(registry::removeBeanDefinition);
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        String provider = provider(beanFactory.getBean(ConfigurationProvider.class));
        if (provider.equalsIgnoreCase(JPA)) {
            new MailboxConfigurationBeanFactoryPostProcessor().postProcessBeanFactory(beanFactory);
            new QuotaBeanFactoryPostProcessor().postProcessBeanFactory(beanFactory);
            keepQuotaLimitsInMemory((BeanDefinitionRegistry) beanFactory);
            return;
        }
        if (!provider.equalsIgnoreCase(OURS)) {
            throw new FatalBeanException("conf/mailbox.xml: <provider>" + provider + "</provider> is not known"
                + Names.nearest(provider, PROVIDERS).map(name -> " (did you mean " + name + "?)").orElse("")
                + "; use " + OURS + " (the default) or " + JPA);
        }
        new QuotaBeanFactoryPostProcessor().postProcessBeanFactory(beanFactory);
        BeanDefinitionRegistry registry = (BeanDefinitionRegistry) beanFactory;
        keepQuotaLimitsInMemory(registry);
        for (String bean : OTHER_STORES) {
            if (registry.containsBeanDefinition(bean)) {
                BeanDefinition definition = registry.getBeanDefinition(bean);
                definition.setLazyInit(true);
                definition.setAutowireCandidate(false);
            }
        }
        OUR_BEANS.forEach((name, ours) -> {
            if (registry.containsBeanDefinition(name)) {
                registry.removeBeanDefinition(name);
            }
            registry.registerAlias(ours, name);
        });
        if (Arrays.asList(registry.getAliases("eventQuotaUpdater")).contains("quotaUpdater")) {
            registry.registerAlias("mailhaven-quotaUpdater", "quotaUpdater");
        }
        registry.getBeanDefinition(MIGRATION).setLazyInit(false);
        for (String user : MAILBOX_USERS) {
            if (registry.containsBeanDefinition(user)) {
                BeanDefinition definition = registry.getBeanDefinition(user);
                String[] before = definition.getDependsOn() == null ? new String[0] : definition.getDependsOn();
                String[] after = Arrays.copyOf(before, before.length + 1);
                after[before.length] = MIGRATION;
                definition.setDependsOn(after);
            }
        }
    }

    /** Puts {@link CachedMaxQuotaManager} in front of the limits conf/quota.xml chose. */
    private static void keepQuotaLimitsInMemory(BeanDefinitionRegistry registry) {
        for (String chosen : MAX_QUOTA_MANAGERS) {
            if (registry.containsBeanDefinition(chosen)
                    && Arrays.asList(registry.getAliases(chosen)).contains(MAX_QUOTA_MANAGER)) {
                registry.getBeanDefinition(chosen).setAutowireCandidate(false);
                registry.registerBeanDefinition(CACHED_MAX_QUOTA_MANAGER, BeanDefinitionBuilder
                    .genericBeanDefinition(CachedMaxQuotaManager.class)
                    .addConstructorArgReference(chosen)
                    .getBeanDefinition());
                registry.registerAlias(CACHED_MAX_QUOTA_MANAGER, MAX_QUOTA_MANAGER);
                return;
            }
        }
    }

    private static String provider(ConfigurationProvider configurations) {
        try {
            HierarchicalConfiguration<ImmutableNode> config = configurations.getConfiguration("mailbox");
            return config.getString("provider", OURS).trim();
        } catch (Exception e) {
            throw new FatalBeanException("conf/mailbox.xml cannot be read: " + e.getMessage(), e);
        }
    }
}
