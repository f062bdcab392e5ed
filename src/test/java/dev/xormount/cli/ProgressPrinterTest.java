package dev.xormount.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void formatBytes_usesBinaryUnits() {
        assertEquals("512 B", ProgressPrinter.formatBytes(512));
        assertEquals("1.5 KiB", ProgressPrinter.formatBytes(1536));
        assertEquals("9.3 GiB", ProgressPrinter.formatBytes(10_000_000_000L));
    }

    @Test
    void formatDuration_minutesAndHours() {
        assertEquals("0:05", ProgressPrinter.formatDuration(5));
        assertEquals("2:03", ProgressPrinter.formatDuration(123));
        assertEquals("1:00:01", ProgressPrinter.formatDuration(3601));
    }

    @Test
    void bar_fillsProportionally() {
        assertEquals("[#####-----]", ProgressPrinter.bar(0.5, 10));
        assertEquals("[----------]", ProgressPrinter.bar(-1, 10));
        assertEquals("[##########]", ProgressPrinter.bar(2, 10));
    }

    @Test
    void summary_showsThroughputAndTimeLeft() {
        AtomicLong clock = new AtomicLong();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(new StringWriter()), false, clock::get, "decode");
        printer.started(1, 400L << 20);
        printer.advanced(100L << 20);

        String summary = printer.summary(2 * SECOND);

        assertEquals("25% 100.0 MiB of 400.0 MiB, 50.0 MiB/s, 0:06 left", summary);
    }

    @Test
    void summary_firstSecond_noEstimate() {
        AtomicLong clock = new AtomicLong();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(new StringWriter()), false, clock::get, "decode");
        printer.started(1, 400L << 20);
        printer.advanced(8);

        assertEquals("0% 8 B of 400.0 MiB, 0 B/s, time left unknown", printer.summary(SECOND / 100));
    }

    @Test
    void lineMode_printsFinishedFilesAndPeriodicSummary() {
        AtomicLong clock = new AtomicLong();
        StringWriter text = new StringWriter();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), false, clock::get, "decode");
        printer.started(1, 200);
        printer.fileStarted("a.bin", "decoding", 200);
        clock.set(ProgressPrinter.LINE_INTERVAL_SECONDS * SECOND);
        printer.advanced(100);
        printer.fileFinished("a.bin", "md5 verified");
        printer.finished();

        assertEquals("xormount: decode: 1 file, 200 B\n"
                + "xormount: decode: 50% 100 B of 200 B, 3 B/s, 0:30 left\n"
                + "xormount: decode: a.bin (200 B): md5 verified\n", text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void terminalMode_redrawsInPlace() {
        AtomicLong clock = new AtomicLong();
        StringWriter text = new StringWriter();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), true, clock::get, "decode");
        printer.started(1, 200);
        printer.fileStarted("a.bin", "decoding", 200);
        clock.set(SECOND);
        printer.advanced(100);

        assertTrue(text.toString().contains("\r\033[K[############------------] 50%"), text.toString());
        assertTrue(text.toString().endsWith("[1/1] decoding a.bin"), text.toString());
        assertFalse(text.toString().contains("\n"), "a bar never scrolls");
    }
}
