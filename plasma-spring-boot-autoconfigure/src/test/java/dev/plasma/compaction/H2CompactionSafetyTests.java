package dev.plasma.compaction;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2CompactionSafetyTests extends AbstractCompactionSafetyTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
