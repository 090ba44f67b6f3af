package dev.plasma.web;

/**
 * Checks on client-supplied text: which characters the databases store faithfully, and how to quote
 * such text in a log line so that it can never forge another line.
 */
final class SafeText {

	private static final int MAX_LOGGED_LENGTH = 300;

	private SafeText() {
	}

	/**
	 * Returns the index of the first UTF-16 surrogate in {@code text} that is not part of a pair (stored
	 * as {@code ?} by most databases), or -1.
	 * @param text the text
	 * @return the index or -1
	 */
	public static int loneSurrogate(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Returns the index of the first control character (U+0000 to U+001F, U+007F to U+009F) in
	 * {@code text}, or -1.
	 * @param text the text
	 * @return the index or -1
	 */
	public static int controlCharacter(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (Character.isISOControl(text.charAt(i))) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Quotes text for a log line: in double quotes, with quotes, backslashes, control characters and lone
	 * surrogates escaped ({@code \n}, {@code \u0000}), and cut after 300 characters.
	 * @param text the text, may be {@code null}
	 * @return the quoted text, or {@code null} unquoted
	 */
	public static String quote(String text) {
		return (text != null) ? '"' + escape(text) + '"' : "null";
	}

	/**
	 * Escapes text like {@link #quote(String)}, without the quotes.
	 * @param text the text
	 * @return the escaped text
	 */
	public static String escape(String text) {
		StringBuilder quoted = new StringBuilder(Math.min(text.length(), MAX_LOGGED_LENGTH) + 8);
		for (int i = 0; i < text.length(); i++) {
			if (i == MAX_LOGGED_LENGTH) {
				quoted.append("...(").append(text.length()).append(" characters)");
				break;
			}
			char c = text.charAt(i);
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				case '\n' -> quoted.append("\\n");
				case '\r' -> quoted.append("\\r");
				case '\t' -> quoted.append("\\t");
				default -> {
					if (Character.isISOControl(c) || Character.isSurrogate(c) && !pairedAt(text, i)
							|| c == '\u2028' || c == '\u2029') {
						quoted.append(String.format("\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.toString();
	}

	private static boolean pairedAt(String text, int i) {
		char c = text.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
		}
		return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
	}

}
