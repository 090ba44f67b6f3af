package dev.plasma.blob;

import java.util.List;
import java.util.Locale;

/**
 * A column declared to hold file references ({@code plasma.tables.<t>.files.<column>}).
 * @param table the table
 * @param column the column
 * @param maxSize the largest file it accepts, in bytes
 * @param mimeTypes the MIME types it accepts ({@code image/*} accepts every image type); empty for any
 * @param immutable whether a row's file, once set, may not be replaced by another
 */
public record FileColumn(String table, String column, long maxSize, List<String> mimeTypes, boolean immutable) {

	/**
	 * Returns whether the column accepts a MIME type.
	 * @param mime the type, e.g. {@code image/png}, parameters ignored
	 * @return whether a file of that type may be referenced by the column
	 */
	public boolean accepts(String mime) {
		if (this.mimeTypes.isEmpty()) {
			return true;
		}
		String type = baseType(mime);
		for (String pattern : this.mimeTypes) {
			String accepted = baseType(pattern);
			if (accepted.equals(type) || accepted.equals("*/*")
					|| accepted.endsWith("/*") && type.startsWith(accepted.substring(0, accepted.length() - 1))) {
				return true;
			}
		}
		return false;
	}

	static String baseType(String mime) {
		int semicolon = mime.indexOf(';');
		return ((semicolon < 0) ? mime : mime.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
	}

}
