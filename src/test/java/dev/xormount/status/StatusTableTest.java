package dev.xormount.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusTableTest {
    private static final StatusReport REPORT = new StatusReport(
            new StatusReport.Audit("background", "eio", 3, 1, 3L << 30, 1L << 30),
            List.of(
                    new StatusReport.FileEntry("m", "a.bin", 1L << 30, "verified", 1L << 30, "aa", "aa", null, null, true),
                    new StatusReport.FileEntry("m", "b.bin", 1L << 30, "in_progress", 1L << 29, "bb", null, null, null, false),
                    new StatusReport.FileEntry("m", "c.json", 500, "mismatch", 500, "cc", "dd", "base", "CRLF line endings", false)),
            new StatusReport.Cache(7, 3, 1, 0, 2L << 20, 1L << 30, 5L << 20));

    @Test
    void format_showsOneRowPerFile() {
        List<String> lines = StatusTable.format(REPORT).lines().toList();

        assertTrue(lines.get(0).startsWith("FILE  "), lines.get(0));
        assertTrue(lines.get(1).startsWith("m/a.bin   verified"), lines.get(1));
        assertTrue(lines.get(1).contains("1.0 GiB  saved result"), lines.get(1));
        assertTrue(lines.get(2).contains("in_progress"), lines.get(2));
        assertTrue(lines.get(2).endsWith("50% hashed"), lines.get(2));
        assertTrue(lines.get(3).endsWith("base at fault: CRLF line endings"), lines.get(3));
    }

    @Test
    void format_summarizesAuditAndCache() {
        String text = StatusTable.format(REPORT);

        assertTrue(text.contains("Audit (background, on mismatch eio): 1 of 3 files done, 1.0 GiB of 3.0 GiB hashed (33%)"), text);
        assertTrue(text.contains("Cache: 7 hits, 3 misses, 1 evictions, 0 failed loads, 2.0 MiB of 1.0 GiB held, 5.0 MiB served"), text);
    }

    @Test
    void format_auditOff_saysNothingChecked() {
        StatusReport off = new StatusReport(new StatusReport.Audit("off", "eio", 3, 3, 0, 0), REPORT.files(), REPORT.cache());

        String text = StatusTable.format(off);

        assertTrue(text.contains("Audit: off, no file was checked against its md5"), text);
        assertFalse(text.contains("(100%)"), text);
    }

    @Test
    void size_usesBinaryUnits() {
        assertEquals("512 B", StatusTable.size(512));
        assertEquals("1.5 KiB", StatusTable.size(1536));
        assertEquals("9.8 GiB", StatusTable.size(10_500_000_000L));
    }
}
