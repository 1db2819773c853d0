package org.mailhaven.storage;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.file.FileMailRepository;
import org.apache.james.mailrepository.file.MimeMessageStreamRepositorySource;
import org.apache.james.repository.file.FilePersistentObjectRepository;
import org.apache.james.repository.file.FilePersistentStreamRepository;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.mailhaven.core.message.VerbatimMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James' file mail repository (var/mail/error/, the quarantine, ...), with kept mail read back
 * as it was stored. Named in conf/mailrepositorystore.xml. Differences from James':
 *
 * <ul>
 * <li>Retrieved mail carries a {@link VerbatimMessage} over the stored bytes. James copies them
 * on retrieval through Jakarta Mail's header writer, so mail taken out to be retried or released
 * was no longer what had been received, and that copy cost a second file per listing.</li>
 * <li>Kept mail whose envelope cannot be read back (a class changed between versions, a damaged
 * file) is left where it is and reported at ERROR; James deletes it.</li>
 * <li>A changed message stored under the key it was read from is copied first: it is written
 * from its source, which storing would truncate.</li>
 * </ul>
 */
public class VerbatimFileMailRepository extends FileMailRepository {
    private static final Logger LOGGER = LoggerFactory.getLogger(VerbatimFileMailRepository.class);

    private FileSystem fileSystem;
    private String destination;
    private FilePersistentStreamRepository streams;
    private FilePersistentObjectRepository envelopes;

    @Override
    @Inject
    public void setFileSystem(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
        super.setFileSystem(fileSystem);
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> config) {
        destination = config.getString("[@destinationURL]");
        super.configure(config);
    }

    @Override
    public void init() throws Exception {
        super.init();
        BaseHierarchicalConfiguration where = new BaseHierarchicalConfiguration();
        where.addProperty("[@destinationURL]", destination);
        streams = new FilePersistentStreamRepository();
        streams.setFileSystem(fileSystem);
        streams.configure(where);
        streams.init();
        envelopes = new FilePersistentObjectRepository();
        envelopes.setFileSystem(fileSystem);
        envelopes.configure(where);
        envelopes.init();
    }

    @Override
    public MailKey store(Mail mail) throws MessagingException {
        if (mail.getMessage() instanceof VerbatimMessage message && message.hasEdits()
                && (destination + "/" + mail.getName()).equals(message.getSourceId()) && mail instanceof MailImpl impl) {
            impl.setMessageNoCopy(VerbatimMessage.copyOf(message, mail.getName()));
        }
        return super.store(mail);
    }

    @Override
    public Mail retrieve(MailKey key) throws MessagingException {
        if (!envelopes.containsKey(key.asString())) {
            return null;
        }
        Object envelope;
        try {
            envelope = envelopes.get(key.asString());
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOGGER.error("Mail {} kept in {} cannot be read back ({}): left there for the administrator", key.asString(),
                destination, cause.toString());
            return null;
        }
        if (!(envelope instanceof MailImpl mail)) {
            LOGGER.error("Mail {} kept in {} is not a mail ({}): left there for the administrator", key.asString(),
                destination, envelope == null ? "null" : envelope.getClass().getName());
            return null;
        }
        mail.setMessageNoCopy(new VerbatimMessage(new MimeMessageStreamRepositorySource(streams, destination, key.asString())));
        return mail;
    }
}
