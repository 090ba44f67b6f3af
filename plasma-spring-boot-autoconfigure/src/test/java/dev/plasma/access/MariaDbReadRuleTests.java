package dev.plasma.access;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbReadRuleTests extends AbstractReadRuleTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
