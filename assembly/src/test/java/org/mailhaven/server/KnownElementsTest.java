package org.mailhaven.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownElementsTest {
    @TempDir
    Path conf;

    private String problemWith(String file, String xml) throws Exception {
        Files.writeString(conf.resolve(file), xml);
        return assertThrows(SettingsException.class, () -> KnownElements.check(conf)).getMessage();
    }

    @Test
    void theShippedConfigurationHasNothingNobodyReads() throws Exception {
        KnownElements.check(Path.of("../conf"));
    }

    @Test
    void aMisspeltJamesSettingIsRefusedWithItsLineAndTheNearestName() throws Exception {
        assertEquals("conf/smtpserver.xml line 4: <maxmessagesise> is not a setting James or Mailhaven reads here;"
            + " did you mean <maxmessagesize>?", problemWith("smtpserver.xml",
            "<smtpservers>\n<smtpserver enabled=\"true\">\n<bind>0.0.0.0:25</bind>\n<maxmessagesise>1</maxmessagesise>\n"
                + "</smtpserver>\n</smtpservers>\n"));
    }

    @Test
    void attributesAreCheckedToo() throws Exception {
        assertEquals("conf/smtpserver.xml line 2: attribute socketTSL of <tls> is not a setting James or Mailhaven reads"
            + " here; did you mean attribute socketTLS?", problemWith("smtpserver.xml",
            "<smtpservers><smtpserver>\n<tls socketTSL=\"true\"/>\n</smtpserver></smtpservers>\n"));
    }

    @Test
    void parametersOfMailetsAndHandlersAreLeftToTheirClasses() throws Exception {
        Files.writeString(conf.resolve("mailetcontainer.xml"), "<mailetcontainer><context/><spooler/><processors>"
            + "<processor state=\"root\"><mailet match=\"All\" class=\"ToProcessor\"><anything><deep/></anything></mailet>"
            + "</processor></processors></mailetcontainer>");
        KnownElements.check(conf);
    }
}
