package dev.plasma.region;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbRegionUpgradeTests extends AbstractRegionUpgradeTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
