package org.mailhaven.server;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.model.User;
import org.mailhaven.core.io.Secrets;
import org.mailhaven.folders.DefaultFolders;
import org.springframework.context.ApplicationContext;

/**
 * The ready-made account of {@code bin/james demo}: a local domain and one user whose fresh
 * password is printed on the console, with its default folders, so a newcomer can point a mail client at the server at once.
 */
final class DemoAccount {
    static final String DOMAIN = "example.test";
    static final String USER = "demo@" + DOMAIN;

    private DemoAccount() {
    }

    /** Creates the domain and user if needed and gives the user a new password, which is returned. */
    static String ensure(ApplicationContext context) throws Exception {
        DomainList domains = context.getBean("domainlist", DomainList.class);
        UsersRepository users = context.getBean("usersrepository", UsersRepository.class);
        Domain domain = Domain.of(DOMAIN);
        if (!domains.containsDomain(domain)) {
            domains.addDomain(domain);
        }
        Username username = Username.of(USER);
        String password = Secrets.newPassword();
        if (users.contains(username)) {
            User user = users.getUserByName(username);
            user.setPassword(password);
            users.updateUser(user);
        } else {
            users.addUser(username, password);
        }
        context.getBean("defaultFolders", DefaultFolders.class).ensure(username);
        return password;
    }
}
