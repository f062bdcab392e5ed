package dev.xormount.cli;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Parses a byte count such as {@code 1048576}, {@code 64K}, {@code 512M}, {@code 2G} or
 * {@code 1GiB}. Suffixes are powers of 1024.
 */
public final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return parse(value);
    }

    /** Parses {@code value} as described on this class. */
    public static long parse(String value) {
        String text = value.trim().toUpperCase(Locale.ROOT);
        if (text.endsWith("IB")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("B")) {
            text = text.substring(0, text.length() - 1);
        }
        int shift = 0;
        if (!text.isEmpty()) {
            switch (text.charAt(text.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
            if (shift >= 0) {
                text = text.substring(0, text.length() - 1);
            } else {
                shift = 0;
            }
        }
        try {
            long number = Long.parseLong(text);
            if (number < 0 || (shift > 0 && number > (Long.MAX_VALUE >> shift))) {
                throw new NumberFormatException();
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("invalid size '" + value
                    + "': use a whole number of bytes with an optional K, M, G or T suffix, for example 512M");
        }
    }
}
