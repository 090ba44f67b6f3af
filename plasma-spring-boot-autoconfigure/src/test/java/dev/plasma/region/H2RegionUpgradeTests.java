package dev.plasma.region;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2RegionUpgradeTests extends AbstractRegionUpgradeTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
