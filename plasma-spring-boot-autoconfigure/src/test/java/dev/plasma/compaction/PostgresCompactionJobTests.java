package dev.plasma.compaction;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.POSTGRESQL)
class PostgresCompactionJobTests extends AbstractCompactionJobTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.POSTGRESQL;
	}

}
