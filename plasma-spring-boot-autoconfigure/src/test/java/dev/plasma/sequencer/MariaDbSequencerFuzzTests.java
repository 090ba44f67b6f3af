package dev.plasma.sequencer;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbSequencerFuzzTests extends AbstractSequencerFuzzTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
