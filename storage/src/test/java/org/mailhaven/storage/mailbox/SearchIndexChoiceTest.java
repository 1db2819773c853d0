package org.mailhaven.storage.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.container.spring.bean.factorypostprocessor.IndexerConfigurationBeanFactoryPostProcessor;
import org.apache.james.container.spring.lifecycle.ConfigurationProvider;
import org.junit.jupiter.api.Test;
import org.springframework.beans.FatalBeanException;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.GenericBeanDefinition;

class SearchIndexChoiceTest {

    /** A bean factory shaped like James' context: its own chooser and the Lucene beans. */
    private static DefaultListableBeanFactory factory(String provider) {
        DefaultListableBeanFactory factory = new DefaultListableBeanFactory();
        GenericBeanDefinition james = new GenericBeanDefinition();
        james.setBeanClassName(IndexerConfigurationBeanFactoryPostProcessor.class.getName());
        factory.registerBeanDefinition("jamesIndexerChoice", james);
        for (String name : List.of("luceneIndex", "lazyIndex", "fsDirectory", "scanIndex", "fake-reindexer")) {
            GenericBeanDefinition bean = new GenericBeanDefinition();
            bean.setBeanClassName(Object.class.getName());
            factory.registerBeanDefinition(name, bean);
        }
        BaseHierarchicalConfiguration indexer = new BaseHierarchicalConfiguration();
        if (provider != null) {
            indexer.addProperty("provider", provider);
        }
        factory.registerSingleton("configurationProvider", new ConfigurationProvider() {
            @Override
            public void registerConfiguration(String beanName, HierarchicalConfiguration<ImmutableNode> conf) {
            }

            @Override
            public HierarchicalConfiguration<ImmutableNode> getConfiguration(String beanName) {
                return indexer;
            }
        });
        return factory;
    }

    private static void choose(DefaultListableBeanFactory factory) {
        SearchIndexChoice choice = new SearchIndexChoice();
        choice.postProcessBeanDefinitionRegistry(factory);
        choice.postProcessBeanFactory(factory);
    }

    @Test
    void scanIsTheDefaultAndLeavesLuceneUnstarted() {
        DefaultListableBeanFactory factory = factory(null);
        choose(factory);
        assertFalse(factory.containsBeanDefinition("jamesIndexerChoice"), "James' own chooser is removed");
        assertTrue(List.of(factory.getAliases("scanIndex")).contains("indexer"));
        assertTrue(List.of(factory.getAliases("fake-reindexer")).contains("reindexer"));
        assertTrue(factory.getBeanDefinition("luceneIndex").isLazyInit());
        assertTrue(factory.getBeanDefinition("fsDirectory").isLazyInit());
    }

    @Test
    void luceneCanStillBeChosen() {
        DefaultListableBeanFactory factory = factory("luceneIndex");
        choose(factory);
        assertTrue(List.of(factory.getAliases("luceneIndex")).contains("indexer"));
        assertFalse(factory.getBeanDefinition("luceneIndex").isLazyInit());
    }

    @Test
    void unknownProviderIsNamedWithTheChoices() {
        DefaultListableBeanFactory factory = factory("elasticsearch");
        FatalBeanException refused = assertThrows(FatalBeanException.class, () -> choose(factory));
        assertEquals("conf/indexer.xml: <provider>elasticsearch</provider> is not known; use scan, luceneIndex or lazyIndex",
            refused.getMessage());
    }
}
