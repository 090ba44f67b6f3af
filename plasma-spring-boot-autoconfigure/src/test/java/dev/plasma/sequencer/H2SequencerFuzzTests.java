package dev.plasma.sequencer;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2SequencerFuzzTests extends AbstractSequencerFuzzTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
