package dev.plasma.access;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Computes a named grant set for a user: the values of a scope column whose rows the user may read. An
 * application declares one as a bean for rules that {@code plasma.access.grants} cannot express; a read
 * rule names it by {@link #grant()} ({@code plasma.tables.<t>.read.grant}).
 * <p>
 * It runs inside every pull of a table whose rule names it, in the pull's read-only repeatable-read
 * transaction, so it must be cheap (an indexed query) and read only what the pull's snapshot holds. Its
 * answer must depend only on rows of synced tables: a pull notices changed grants when their fingerprint
 * differs from the cookie's, and it answers with a reset only once the change log's head has moved past
 * the cookie, which writes to synced tables do. Values are compared as text with the scope column's value
 * as the capture triggers render it (integers in decimal, strings as they are, UUIDs in canonical form).
 */
public interface GrantResolver {

	/**
	 * Returns the name of the grant set this resolver computes.
	 * @return the grant name
	 */
	String grant();

	/**
	 * Returns the values the user is granted.
	 * @param connection the pull's connection, inside its read-only transaction
	 * @param userName the pulling user
	 * @return the granted values, as text
	 * @throws SQLException on database errors
	 */
	Collection<String> resolve(Connection connection, String userName) throws SQLException;

}
