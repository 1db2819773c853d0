package org.mailhaven.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
    @TempDir
    Path directory;

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    @Test
    void theFileAppearsWholeUnderItsName() throws Exception {
        Path file = directory.resolve("m1");

        DurableFiles.write(file, out -> out.write(new byte[] {1, 2, 3}));

        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        assertEquals(List.of(file), files());
    }

    @Test
    void aFailedWriteLeavesNothing() throws Exception {
        Path file = directory.resolve("m1");

        IOException failure = assertThrows(IOException.class, () -> DurableFiles.write(file, out -> {
            out.write(1);
            throw new IOException("disk full");
        }));

        assertEquals("disk full", failure.getMessage());
        assertEquals(List.of(), files());
    }

    @Test
    void aWriteInProgressIsRecognisable() {
        assertTrue(DurableFiles.isUnfinished(directory.resolve("m1" + DurableFiles.UNFINISHED)));
        assertFalse(DurableFiles.isUnfinished(directory.resolve("m1")));
    }
}
