package dev.plasma.sync;

/**
 * Makes client-supplied text safe to put in a log line: a client ID or mutation name holding a line
 * break could otherwise forge a complete log line.
 */
final class LogSafe {

	private static final int MAX_LENGTH = 200;

	private LogSafe() {
	}

	/**
	 * Returns {@code text} in double quotes, with quotes, backslashes and control or line-separating
	 * characters escaped ({@code \n}, {@code \r}, {@code \t}, otherwise {@code \}{@code uXXXX}), cut after
	 * {@value #MAX_LENGTH} characters.
	 * @param text the client-supplied text, possibly {@code null}
	 * @return the quoted text, or {@code null} unquoted
	 */
	static String quote(String text) {
		if (text == null) {
			return "null";
		}
		return "\"" + escape(text) + "\"";
	}

	/**
	 * Escapes {@code text} like {@link #quote(String)} without adding quotes, for messages that may
	 * repeat client input (an exception's message).
	 * @param text the text, possibly {@code null}
	 * @return the escaped text
	 */
	static String escape(String text) {
		if (text == null) {
			return "null";
		}
		StringBuilder escaped = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 8);
		int length = Math.min(text.length(), MAX_LENGTH);
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> escaped.append("\\\"");
				case '\\' -> escaped.append("\\\\");
				case '\n' -> escaped.append("\\n");
				case '\r' -> escaped.append("\\r");
				case '\t' -> escaped.append("\\t");
				default -> {
					if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
						escaped.append(String.format("\\u%04x", (int) c));
					}
					else {
						escaped.append(c);
					}
				}
			}
		}
		if (text.length() > MAX_LENGTH) {
			escaped.append("...(").append(text.length()).append(" chars)");
		}
		return escaped.toString();
	}

}
