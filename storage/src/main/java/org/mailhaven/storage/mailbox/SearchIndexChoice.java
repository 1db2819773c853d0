package org.mailhaven.storage.mailbox;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.container.spring.bean.factorypostprocessor.IndexerConfigurationBeanFactoryPostProcessor;
import org.apache.james.container.spring.lifecycle.ConfigurationProvider;
import org.springframework.beans.FatalBeanException;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;

/**
 * Chooses the IMAP search implementation from {@code conf/indexer.xml}, in place of James' own
 * chooser (which it removes, since that one knows only Lucene and Elasticsearch):
 * <ul>
 *   <li>{@code scan} (default): no index. SEARCH reads what its criteria need (flags, headers,
 *       or whole messages for text) from the mailbox store, like Dovecot without a full-text
 *       plugin. Nothing is done at delivery, and there is no index to lose or rebuild.</li>
 *   <li>{@code luceneIndex}: James' Lucene index, updated after each delivery. Faster text
 *       searches in very large mailboxes, at a CPU cost per delivered message; James 3.8.1 only
 *       commits it at shutdown, so after a crash it misses what arrived since the last start.</li>
 *   <li>{@code lazyIndex}: the Lucene index, filled per mailbox at its first search.</li>
 * </ul>
 * The beans of the unused choices are created only if something asks for them, so an unused
 * Lucene index costs neither start-up time nor a lock in {@code var/store/lucene}.
 */
public class SearchIndexChoice implements BeanDefinitionRegistryPostProcessor {
    /** Provider name in indexer.xml: the search bean it names. */
    private static final Map<String, String> PROVIDERS = Map.of(
        "scan", "scanIndex",
        "luceneIndex", "luceneIndex",
        "lazyIndex", "lazyIndex");
    /** What {@code <provider>} accepts (ignoring case); the start-up check refuses anything else with its line. */
    public static final List<String> PROVIDER_NAMES = List.of("scan", "luceneIndex", "lazyIndex");
    /** No choice offers re-indexing (James' too: that needs Elasticsearch). */
    private static final String REINDEXER = "fake-reindexer";
    private static final String[] LUCENE_BEANS = {"luceneIndex", "lazyIndex", "fsDirectory"};

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        Arrays.stream(registry.getBeanDefinitionNames())
            .filter(name -> IndexerConfigurationBeanFactoryPostProcessor.class.getName()
                .equals(registry.getBeanDefinition(name).getBeanClassName()))
            .forEach(registry::removeBeanDefinition);
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        String configured = provider(beanFactory.getBean(ConfigurationProvider.class));
        String provider = PROVIDER_NAMES.stream().filter(configured::equalsIgnoreCase).findFirst().orElse(configured);
        String index = PROVIDERS.get(provider);
        if (index == null) {
            throw new FatalBeanException("conf/indexer.xml: <provider>" + provider
                + "</provider> is not known; use scan, luceneIndex or lazyIndex");
        }
        BeanDefinitionRegistry registry = (BeanDefinitionRegistry) beanFactory;
        registry.registerAlias(index, "indexer");
        registry.registerAlias(REINDEXER, "reindexer");
        if (provider.equals("scan")) {
            for (String name : LUCENE_BEANS) {
                if (registry.containsBeanDefinition(name)) {
                    registry.getBeanDefinition(name).setLazyInit(true);
                }
            }
        }
    }

    private static String provider(ConfigurationProvider configurations) {
        try {
            HierarchicalConfiguration<ImmutableNode> config = configurations.getConfiguration("indexer");
            return config.getString("provider", "scan").trim();
        } catch (Exception e) {
            throw new FatalBeanException("conf/indexer.xml cannot be read: " + e.getMessage(), e);
        }
    }
}
