package org.mailhaven.login;

import java.util.List;

/** Login blocks for bin/james-cli (ListLoginBlocks, UnblockLogin). */
public interface LoginGuardMBean {
    String NAME = "org.mailhaven:type=logins";

    /** One line per block in force: kind (client or account), name, failures, until (tab-separated). */
    List<String> listBlocks();

    /** Lifts the block of a client address or an account, or every block for "all"; how many were lifted. */
    long unblock(String clientOrAccount);
}
