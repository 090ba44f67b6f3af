package dev.plasma.web;

import org.jspecify.annotations.Nullable;

/**
 * One byte range of a {@code Range} header ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}); a
 * header with several ranges, or another unit, is ignored (the whole blob is sent).
 * @param start the first byte
 * @param length the number of bytes
 */
record ByteRange(long start, long length) {

	static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

	static @Nullable ByteRange parse(@Nullable String header, long size) {
		if (header == null || !header.startsWith("bytes=") || header.contains(",")) {
			return null;
		}
		String spec = header.substring("bytes=".length()).trim();
		int dash = spec.indexOf('-');
		if (dash < 0) {
			return null;
		}
		try {
			String first = spec.substring(0, dash).trim();
			String last = spec.substring(dash + 1).trim();
			if (first.isEmpty()) {
				long suffix = Long.parseLong(last);
				if (suffix <= 0) {
					return UNSATISFIABLE;
				}
				long length = Math.min(suffix, size);
				return (size == 0) ? UNSATISFIABLE : new ByteRange(size - length, length);
			}
			long start = Long.parseLong(first);
			long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
			if (start >= size || end < start) {
				return UNSATISFIABLE;
			}
			return new ByteRange(start, end - start + 1);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
