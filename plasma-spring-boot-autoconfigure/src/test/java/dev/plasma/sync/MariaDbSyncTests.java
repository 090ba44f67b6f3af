package dev.plasma.sync;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbSyncTests extends AbstractSyncTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
