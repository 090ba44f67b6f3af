package dev.plasma.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.h2.api.Trigger;

/**
 * H2 trigger of the {@code capture-baseline} benchmark: inserts one constant row into {@code bench_side}
 * per row written, nothing else.
 */
public class SideTableTrigger implements Trigger {

	@Override
	public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO bench_side (v) VALUES (1)")) {
			statement.executeUpdate();
		}
	}

}
