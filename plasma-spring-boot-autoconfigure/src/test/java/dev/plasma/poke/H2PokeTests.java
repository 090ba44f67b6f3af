package dev.plasma.poke;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2PokeTests extends AbstractPokeTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
