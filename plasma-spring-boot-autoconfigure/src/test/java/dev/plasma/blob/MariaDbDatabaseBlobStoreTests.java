package dev.plasma.blob;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbDatabaseBlobStoreTests extends AbstractDatabaseBlobStoreTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
