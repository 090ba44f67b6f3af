package dev.plasma.autoconfigure;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbStartupValidationTests extends AbstractStartupValidationTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
