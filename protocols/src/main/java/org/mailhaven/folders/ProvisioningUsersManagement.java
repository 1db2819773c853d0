package org.mailhaven.folders;

import javax.inject.Inject;
import javax.management.NotCompliantMBeanException;

import org.apache.james.core.Username;
import org.apache.james.user.lib.UsersRepositoryManagement;

/**
 * James' user administration ({@code bin/james-cli AddUser}) that also gives a new account its
 * {@link DefaultFolders}, so that a user whose first mail comes before the first login finds
 * Sent, Drafts, Junk... already there. Replaces James' {@code usersrepositorymanagement} bean in
 * {@code META-INF/mailhaven/spring-overrides.xml}.
 */
public class ProvisioningUsersManagement extends UsersRepositoryManagement {
    private DefaultFolders folders;

    public ProvisioningUsersManagement() throws NotCompliantMBeanException {
        super();
    }

    @Inject
    public void setDefaultFolders(DefaultFolders folders) {
        this.folders = folders;
    }

    @Override
    public void addUser(String rawUsername, String password) throws Exception {
        super.addUser(rawUsername, password);
        folders.ensure(Username.of(rawUsername));
    }
}
