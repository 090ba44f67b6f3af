package dev.plasma.dialect;

/**
 * Minimal JSON text helpers shared by the trigger generators and the H2 trigger.
 */
final class JsonText {

	private JsonText() {
	}

	/**
	 * Returns {@code text} as a JSON string literal.
	 * @param text the text
	 * @return the quoted and escaped JSON string
	 */
	public static String quote(String text) {
		StringBuilder out = new StringBuilder(text.length() + 2);
		appendQuoted(out, text);
		return out.toString();
	}

	/**
	 * Appends {@code text} as a JSON string literal.
	 * @param out where to append
	 * @param text the text
	 */
	public static void appendQuoted(StringBuilder out, String text) {
		out.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

}
