package dev.plasma.autoconfigure;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbStartupValidationTests extends AbstractStartupValidationTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

	/**
	 * Table names are case-sensitive on the test server ({@code lower_case_table_names=0}, the Linux default).
	 */
	@Override
	protected boolean foldsUnquotedNames() {
		return false;
	}

}
