package dev.plasma.dialect;

import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

import dev.plasma.schema.Column;
import dev.plasma.schema.ColumnKind;
import dev.plasma.schema.SyncedTable;

/**
 * Renders a row given as JDBC objects (column order) into the change log's row JSON and row ID, in
 * exactly the forms the SQL triggers of the other databases produce (see {@link ColumnKind}).
 */
final class RowRenderer {

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

	private RowRenderer() {
	}

	/**
	 * Renders the row as JSON.
	 * @param table the table
	 * @param row the column values in column order
	 * @return the JSON text
	 * @throws SQLException when a large object cannot be read
	 */
	static String json(SyncedTable table, Object[] row) throws SQLException {
		StringBuilder out = new StringBuilder(64);
		out.append('{');
		List<Column> columns = table.columns();
		for (int i = 0; i < columns.size(); i++) {
			if (i > 0) {
				out.append(',');
			}
			Column column = columns.get(i);
			JsonText.appendQuoted(out, column.jsonName());
			out.append(':');
			appendValue(out, column.kind(), row[i]);
		}
		return out.append('}').toString();
	}

	/**
	 * Renders the row's primary key as the change log's row ID.
	 * @param table the table
	 * @param row the column values in column order
	 * @return the row ID
	 * @throws SQLException when a large object cannot be read
	 */
	static String rowId(SyncedTable table, Object[] row) throws SQLException {
		if (!table.hasCompositeKey()) {
			Column column = table.primaryKey().get(0);
			return text(row[table.indexOf(column)]);
		}
		StringBuilder out = new StringBuilder();
		for (Column column : table.primaryKey()) {
			if (out.length() > 0) {
				out.append('/');
			}
			out.append(text(row[table.indexOf(column)]).replace("%", "%25").replace("/", "%2F"));
		}
		return out.toString();
	}

	/**
	 * Renders one value as text, the form of row IDs and read-rule scopes.
	 * @param value the JDBC value
	 * @return the text
	 * @throws SQLException when a large object cannot be read
	 */
	static String text(Object value) throws SQLException {
		if (value instanceof Clob clob) {
			return clob.getSubString(1, (int) clob.length());
		}
		return String.valueOf(value);
	}

	private static void appendValue(StringBuilder out, ColumnKind kind, Object value) throws SQLException {
		if (value == null) {
			out.append("null");
			return;
		}
		switch (kind) {
			case INTEGER -> out.append(value);
			case BOOLEAN -> out.append((value instanceof Boolean b) ? b.booleanValue() : ((Number) value).intValue() != 0);
			case FLOAT -> {
				double d = ((Number) value).doubleValue();
				if (Double.isNaN(d) || Double.isInfinite(d)) {
					out.append("null");
				}
				else {
					out.append(value);
				}
			}
			case DECIMAL -> JsonText.appendQuoted(out, ((BigDecimal) value).toPlainString());
			case DATE -> JsonText.appendQuoted(out, localDate(value).toString());
			case TIME -> JsonText.appendQuoted(out, TIME.format(localTime(value)));
			case TIMESTAMP -> JsonText.appendQuoted(out, TIMESTAMP.format(localDateTime(value)));
			case TIMESTAMP_TZ -> JsonText.appendQuoted(out, TIMESTAMP.format(utc(value)) + "Z");
			case BINARY -> JsonText.appendQuoted(out, Base64.getEncoder().encodeToString(bytes(value)));
			case STRING, OTHER -> JsonText.appendQuoted(out, text(value));
		}
	}

	private static LocalDate localDate(Object value) {
		return (value instanceof java.sql.Date date) ? date.toLocalDate() : (LocalDate) value;
	}

	private static LocalTime localTime(Object value) {
		return (value instanceof java.sql.Time time) ? time.toLocalTime() : (LocalTime) value;
	}

	private static LocalDateTime localDateTime(Object value) {
		return (value instanceof java.sql.Timestamp timestamp) ? timestamp.toLocalDateTime() : (LocalDateTime) value;
	}

	private static LocalDateTime utc(Object value) {
		if (value instanceof OffsetDateTime offset) {
			return offset.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
		}
		if (value instanceof java.sql.Timestamp timestamp) {
			return LocalDateTime.ofInstant(timestamp.toInstant(), ZoneOffset.UTC);
		}
		return ((java.time.ZonedDateTime) value).withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
	}

	private static byte[] bytes(Object value) throws SQLException {
		if (value instanceof Blob blob) {
			return blob.getBytes(1, (int) blob.length());
		}
		return (byte[]) value;
	}

}
