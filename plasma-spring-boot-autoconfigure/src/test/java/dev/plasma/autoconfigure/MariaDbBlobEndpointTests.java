package dev.plasma.autoconfigure;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbBlobEndpointTests extends AbstractBlobEndpointTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
