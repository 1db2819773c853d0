package org.mailhaven.mailets.identity;

import java.io.IOException;
import java.util.List;

/** The DKIM keys of the local domains, for bin/james-cli (DkimKeys, RotateDkimKey, ...). */
public interface DkimKeysMBean {
    String NAME = "org.mailhaven:type=dkim";
    /** The most a PEM private key may be: a few kilobytes are, anything much bigger is not one. */
    int MAX_PEM = 64 * 1024;

    /** One tab-separated row per key: selector, algorithm, created, signing or not, the DNS name and record. */
    List<String> keys(String domain) throws IOException;

    /** A new pair that signs once activated; its rows. */
    List<String> rotate(String domain) throws IOException;

    /** The keys named (the newest of each algorithm, when none is) sign from now on, once DNS publishes them; the domain's rows. */
    List<String> activate(String domain, List<String> selectors) throws IOException;

    void retire(String domain, String selector) throws IOException;

    /** A PEM private key (the text, which the CLI read from the administrator's file), under {@code selector}; its row. */
    String importKey(String domain, String selector, String pem) throws IOException;
}
