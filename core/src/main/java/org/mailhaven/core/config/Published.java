package org.mailhaven.core.config;

/**
 * A setting of conf/server.properties as the launcher published it to the server's code (already
 * validated there). Its default lives in the launcher's Settings only, so a missing one means the
 * code runs outside the server.
 */
public final class Published {
    private Published() {
    }

    public static String setting(String key) {
        String value = System.getProperty("mailhaven." + key);
        if (value == null) {
            throw new IllegalStateException(key + " was not published: start the server with bin/james");
        }
        return value;
    }
}
