package dev.plasma.region;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbRegionTests extends AbstractRegionTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
