package dev.plasma.sequencer;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2SequencerFuzzTests extends AbstractSequencerFuzzTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

	@Override
	protected boolean keyLifecycleMayRace() {
		return false;
	}

	/**
	 * Not a deployment H2 supports: it runs embedded in one JVM, so several application instances cannot
	 * share one H2 database. (See {@link #keyLifecycleMayRace()} for the MVStore anomaly that the
	 * single-context test steers around.)
	 */
	@Test
	@Override
	@Disabled("H2 is embedded in one JVM: several application instances cannot share an H2 database")
	void twoApplicationContextsOnOneDatabaseNeverDuplicateOrLoseAnEntry() {
	}

}
