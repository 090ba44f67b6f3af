package dev.plasma.clients;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbClientGroupsTests extends AbstractClientGroupsTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
