package org.mailhaven.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentsTest {
    @TempDir
    Path conf;

    private String problemWith(String mailet) throws Exception {
        Files.writeString(conf.resolve("mailetcontainer.xml"), "<mailetcontainer>\n<processors>\n"
            + "<processor state=\"relay\">\n" + mailet + "\n</processor>\n</processors>\n</mailetcontainer>\n");
        return assertThrows(SettingsException.class, () -> Components.check(Components.read(conf))).getMessage();
    }

    @Test
    void aMisspeltParameterIsRefusedWithItsLineAndTheNearestName() throws Exception {
        assertEquals("conf/mailetcontainer.xml line 6: Relay has no parameter <retryschedule>; did you mean <retrySchedule>?",
            problemWith("<mailet match=\"All\" class=\"org.mailhaven.mailets.relay.Relay\">\n"
                + "<heloName>mx</heloName>\n<retryschedule>5m</retryschedule>\n</mailet>"));
    }

    @Test
    void aNameFarFromEveryParameterGetsTheList() throws Exception {
        assertEquals("conf/mailetcontainer.xml line 4: ToProcessor has no parameter <destination>; it takes processor,"
            + " notice, debug", problemWith("<mailet match=\"All\" class=\"ToProcessor\"><destination>x</destination></mailet>"));
    }

    @Test
    void ourClassesWithoutParametersTakeNone() throws Exception {
        assertEquals("conf/mailetcontainer.xml line 4: VerbatimMailet takes no parameters, but <x> is given",
            problemWith("<mailet match=\"All\" class=\"org.mailhaven.mailets.container.VerbatimMailet\"><x>1</x></mailet>"));
    }

    @Test
    void anUnknownClassIsNamed() throws Exception {
        assertEquals("conf/mailetcontainer.xml line 4: class org.mailhaven.mailets.Nothing is not in lib/ or lib/ext/"
            + " (misspelt, or its jar is missing)",
            problemWith("<mailet match=\"All\" class=\"org.mailhaven.mailets.Nothing\"/>"));
    }

    @Test
    void theShippedConfigurationPasses() throws Exception {
        Components.check(Components.read(Path.of("../conf")));
    }
}
