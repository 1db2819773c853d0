package org.mailhaven.mailets.container;

import javax.mail.MessagingException;

import org.apache.james.container.spring.bean.factory.mailetcontainer.MailetLoaderBeanFactory;
import org.apache.mailet.Mailet;
import org.apache.mailet.MailetConfig;

/**
 * Loads the mailets of conf/mailetcontainer.xml as James does, each behind a
 * {@link VerbatimMailet}. Replaces the {@code mailetloader} bean
 * (META-INF/mailhaven/spring-overrides.xml).
 */
public class VerbatimMailetLoader extends MailetLoaderBeanFactory {
    @Override
    public Mailet getMailet(MailetConfig config) throws MessagingException {
        return new VerbatimMailet(super.getMailet(config));
    }
}
