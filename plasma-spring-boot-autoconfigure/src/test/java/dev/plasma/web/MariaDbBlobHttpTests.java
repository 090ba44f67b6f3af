package dev.plasma.web;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbBlobHttpTests extends AbstractBlobHttpTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
