package org.mailhaven.verbatim;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.file.FileMailRepository;
import org.apache.james.mailrepository.file.MimeMessageStreamRepositorySource;
import org.apache.james.repository.file.FilePersistentStreamRepository;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.mailhaven.mailets.message.VerbatimMessage;

/**
 * James' file mail repository (var/mail/error/, the quarantine, ...), whose mail comes back
 * with the stored bytes as a {@link VerbatimMessage}. James' own copies them on retrieval through
 * Jakarta Mail's header writer, so mail taken out of a repository to be retried or released was
 * no longer what had been received. Storing is James' (it writes the message, which for a
 * verbatim one is its bytes). Named in conf/mailrepositorystore.xml.
 */
public class VerbatimFileMailRepository extends FileMailRepository {
    private FileSystem fileSystem;
    private String destination;
    private FilePersistentStreamRepository streams;

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
    }

    @Override
    public Mail retrieve(MailKey key) throws MessagingException {
        Mail mail = super.retrieve(key);
        if (mail instanceof MailImpl impl) {
            impl.setMessageNoCopy(new VerbatimMessage(new MimeMessageStreamRepositorySource(streams, destination, key.asString())));
        }
        return mail;
    }
}
