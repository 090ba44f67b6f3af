package dev.plasma.schema;

import java.sql.Types;
import java.util.Locale;

/**
 * How a column's value is written into the change log's JSON, identically on every supported database.
 * <ul>
 * <li>{@link #STRING}: JSON string.</li>
 * <li>{@link #INTEGER}: JSON number.</li>
 * <li>{@link #BOOLEAN}: JSON {@code true}/{@code false} (MariaDB {@code BOOLEAN}/{@code TINYINT(1)} included).</li>
 * <li>{@link #DECIMAL}: JSON string of the plain decimal with the column's scale, e.g. {@code "12.50"}, so
 * no precision is lost in JavaScript.</li>
 * <li>{@link #FLOAT}: JSON number.</li>
 * <li>{@link #DATE}: {@code "2024-05-01"}.</li>
 * <li>{@link #TIME}: {@code "10:15:30.000000"}.</li>
 * <li>{@link #TIMESTAMP}: {@code "2024-05-01T10:15:30.123456"} (local date-time, six fraction digits).</li>
 * <li>{@link #TIMESTAMP_TZ}: {@code "2024-05-01T08:15:30.123456Z"} (converted to UTC).</li>
 * <li>{@link #BINARY}: base64 string without line breaks.</li>
 * <li>{@link #OTHER}: the database's own text form as a JSON string (may differ between databases).</li>
 * </ul>
 * SQL {@code NULL} is always JSON {@code null}.
 */
public enum ColumnKind {

	STRING, INTEGER, BOOLEAN, DECIMAL, FLOAT, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, BINARY, OTHER;

	/**
	 * Classifies a column from its JDBC metadata.
	 * @param jdbcType the {@link Types} constant
	 * @param typeName the database's type name
	 * @param columnSize the column size reported by the driver
	 * @return the kind
	 */
	public static ColumnKind of(int jdbcType, String typeName, int columnSize) {
		String name = (typeName != null) ? typeName.toLowerCase(Locale.ROOT) : "";
		return switch (jdbcType) {
			case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
					Types.CLOB, Types.NCLOB -> (name.equals("json") || name.equals("jsonb")) ? OTHER : STRING;
			case Types.TINYINT -> (name.startsWith("bool") || (name.equals("tinyint") && columnSize == 1)) ? BOOLEAN : INTEGER;
			case Types.SMALLINT, Types.INTEGER, Types.BIGINT -> INTEGER;
			case Types.BOOLEAN -> BOOLEAN;
			case Types.BIT -> (columnSize <= 1 || name.startsWith("bool")) ? BOOLEAN : OTHER;
			case Types.DECIMAL, Types.NUMERIC -> DECIMAL;
			case Types.REAL, Types.FLOAT, Types.DOUBLE -> FLOAT;
			case Types.DATE -> (name.equals("year")) ? OTHER : DATE;
			case Types.TIME -> TIME;
			case Types.TIMESTAMP -> (name.contains("tz") || name.contains("time zone")) ? TIMESTAMP_TZ : TIMESTAMP;
			case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMP_TZ;
			case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BINARY;
			default -> OTHER;
		};
	}

}
