package dev.plasma.compaction;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbCompactionSafetyTests extends AbstractCompactionSafetyTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
