package dev.plasma.sequencer;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.POSTGRESQL)
class PostgresSequencerFuzzTests extends AbstractSequencerFuzzTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.POSTGRESQL;
	}

}
